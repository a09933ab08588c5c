"""Create the indexes of the sync plans' collection (bulkimport_sync_plan_entries)."""

from app.models import indexes, sync_plans

NAME = "create the indexes of the sync plans"


def up(db, now):
    """Ensure each declared index (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, sync_plans.COLLECTION, sync_plans.INDEXES)
