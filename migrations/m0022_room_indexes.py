"""Create the rooms' and subscriptions' indexes the memberships rely on, as Rocket.Chat 7.3.1."""

from app.models import indexes, rooms, subscriptions

NAME = "create Rocket.Chat's room name and subscription (rid, u._id) indexes"


def up(db, now):
    """Ensure each declared index (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, rooms.COLLECTION, rooms.INDEXES)
    indexes.ensure_declared(db, subscriptions.COLLECTION, subscriptions.INDEXES)
