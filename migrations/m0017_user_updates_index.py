"""Index the updates file imports record (bulkimport_user_updates), by operation."""

from app.models import indexes, user_updates

NAME = "index the users file imports updated"


def up(db, now):
    """Ensure the index of the recorded updates (never replacing or dropping one)."""
    indexes.ensure_declared(db, user_updates.COLLECTION, user_updates.INDEXES)
