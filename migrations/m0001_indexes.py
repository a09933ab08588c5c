"""Create the indexes our queries need, where no equivalent index exists."""

from app.models import import_operations, indexes, staging, users

NAME = "create the indexes our queries need"

_DECLARED = (
    (users.COLLECTION, users.INDEXES),
    (import_operations.COLLECTION, import_operations.INDEXES),
    (staging.COLLECTION, staging.INDEXES),
)


def up(db, now):
    """Ensure every declared index (never replacing or dropping an existing one)."""
    for collection, declared in _DECLARED:
        indexes.ensure_declared(db, collection, declared)
