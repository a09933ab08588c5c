"""Index getLatestImportOperations' order, `_updatedAt` then `ts`, on databases migrated
before it had the tie-break (m0001 creates it on new ones)."""

from app.models import import_operations, indexes

NAME = "index the order of the operations' history"


def up(db, now):
    """Ensure the history's index (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, import_operations.COLLECTION, import_operations.INDEXES)
