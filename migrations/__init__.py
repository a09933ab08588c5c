"""Numbered, idempotent migrations of the service's own (see app/migrate.py)."""
