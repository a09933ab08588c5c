"""Read-only views of import operations: status, current, latest and progress."""

from app import importers
from app.contract.states import USER_COUNTS, state_of
from app.errors import OperationNotFound
from app.models import import_operations

# Importer keys Rocket.Chat ships, with the names getImportProgress reports: the file
# importers' own names, and those of the API and of Rocket.Chat's Slack export importer.
IMPORTER_NAMES = {
    "api": "API",
    "slack": "Slack",
    **{importer.key: importer.name for importer in importers.visible()},
}


def import_status(db):
    """Return `{state}` with no operation, else `{state, operation}`."""
    operation = import_operations.current(db)
    if operation is None:
        return {"state": "none"}
    return {"state": state_of(operation), "operation": operation}


def current_operation(db):
    """Return `{operation}`, or `{}` when there is none."""
    operation = import_operations.current(db)
    return {} if operation is None else {"operation": operation}


def latest_operations(db):
    """Return the operations updated most recently, newest first."""
    return import_operations.latest_updated(db)


def import_progress(db):
    """Return the current operation's progress in Rocket.Chat's Progress shape."""
    operation = import_operations.current(db)
    if operation is None:
        raise OperationNotFound()
    key = operation.get("importerKey") or "api"
    count = operation.get("count") or {}
    progress = {
        "key": key,
        "name": IMPORTER_NAMES.get(key, key),
        "step": operation.get("status"),
        "count": {name: count.get(name) or 0 for name in ("completed", "total", "error")},
    }
    if USER_COUNTS in operation:
        progress[USER_COUNTS] = operation[USER_COUNTS]
    return progress
