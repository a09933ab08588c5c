"""The rules of the service. Nothing here imports Flask; callers pass the database in."""
