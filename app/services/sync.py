"""A sync operation's life: import.new in sync mode, its plan (import.plan) worked out when
the staged list changed, and import.run, refused when the plan deactivates too many."""

from app.contract import states, sync
from app.contract.rules import NOT_INITIALIZED
from app.errors import ActionRefused, CodedError, InvalidParams
from app.models import import_operations, sync_plans, sync_users
from app.services import clock, imports
from app.services.import_errors import page_bounds
from app.services.sync_plan import Planner

# The options import.new takes in sync mode, with their defaults.
OPTIONS = {"deactivateMissing": False, "force": False, "relinquish": False}
OPTIONS["includeNotImported"] = False
_PLANNABLE = (states.NEW, states.USER_SELECTION)


def new_sync(db, user_id, options):
    """Start a new operation (invalidating every other) that syncs the users to a list."""
    sync_plans.delete_plan(db)  # the plans of older operations go with their staging
    operation = imports.new_operation(db, user_id)
    stored = {key: bool(options.get(key, default)) for key, default in OPTIONS.items()}
    import_operations.update(db, operation["_id"], {sync.OPERATION_FIELD: stored}, clock.now())
    return import_operations.find(db, operation["_id"])


def plan_page(db, max_percent, offset=None, count=None, action=None):
    """Return the current sync's plan: counts, one page of entries (of one action), and why
    import.run would refuse it; work it out first if the list changed since."""
    if action is not None and action not in sync.ACTIONS:
        raise InvalidParams(f"action must be one of {', '.join(sync.ACTIONS)}")
    offset, count = page_bounds(offset, count)
    operation = _current_sync(db)
    summary = _planned(db, operation, max_percent)
    entries, total = sync_plans.page(db, operation["_id"], action, offset, count)
    plan = {**summary, "entries": entries, "total": total, "offset": offset, "count": len(entries)}
    return {"plan": plan, "progress": operation.get(sync.PROGRESS_FIELD)}


def start(db, max_percent):
    """import.run: a plain import starts as ever; a sync is planned (if the list changed)
    and refused when it deactivates more than the limit allows, unless forced."""
    operation = import_operations.current(db)
    if operation is not None and operation.get("valid") and sync.OPERATION_FIELD in operation:
        summary = _planned(db, operation, max_percent)
        if summary.get("overLimit") and not operation[sync.OPERATION_FIELD].get("force"):
            raise CodedError(summary["overLimit"], sync.OVER_LIMIT)
    return imports.start_import(db)


def _current_sync(db):
    operation = import_operations.current(db)
    if operation is None or operation.get("valid") is not True:
        raise ActionRefused(NOT_INITIALIZED)
    if sync.OPERATION_FIELD not in operation:
        raise CodedError("The current import operation is not a sync", sync.NOT_A_SYNC)
    return operation


def _planned(db, operation, max_percent):
    """Return the operation's plan summary, worked out anew while the list may change."""
    options = operation[sync.OPERATION_FIELD]
    summary = options.get("plan")
    staged = (operation.get("count") or {}).get("users", 0)
    if operation.get("status") in _PLANNABLE and (summary or {}).get("staged") != staged:
        summary = _work_out(db, operation, options, max_percent)
        summary["staged"] = staged
        field = f"{sync.OPERATION_FIELD}.plan"
        import_operations.update(db, operation["_id"], {field: summary}, clock.now())
    return summary or {"counts": dict.fromkeys(sync.ACTIONS, 0), "staged": 0}


def _work_out(db, operation, options, max_percent):
    counts = Planner(db, operation["_id"], options, operation.get("user")).run()
    active = sync_users.count_active_people(db)
    summary = {"counts": counts, "activeUsers": active, "maxDeactivatePercent": max_percent}
    if counts[sync.DEACTIVATE] * 100 > active * max_percent:
        share = counts[sync.DEACTIVATE] * 100 / max(active, 1)
        summary["overLimit"] = (
            f"the sync would deactivate {counts[sync.DEACTIVATE]} of {active} active users"
            f" ({share:.0f} %), over the limit of {max_percent:g} % (SYNC_MAX_DEACTIVATE_PERCENT):"
            " check the list, or force it"
        )
    return summary
