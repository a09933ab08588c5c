"""The import lifecycle: start an operation, stage users, run, clear and cancel it."""

from datetime import datetime, timedelta

from bson import ObjectId

from app.contract import states
from app.contract.rules import (
    ALREADY_FINISHED,
    CANNOT_CANCEL_LOADING,
    CANNOT_RECEIVE,
    INVALID_ROLES,
    MISSING_DATA,
    NOT_INITIALIZED,
    NOTHING_TO_CANCEL,
    missing_required_data,
)
from app.contract.states import state_of
from app.errors import ActionRefused, InvalidParams
from app.models import import_files, import_operations, roles, settings, staging, user_updates
from app.services import clock, passwords
from app.services.accounts import DEFAULT_ROLES, merge_roles, parse_roles


def new_operation(db, user_id):
    """Invalidate every operation, empty the staging area and start a new operation."""
    now = clock.now()
    operation = {
        "_id": str(ObjectId()),
        "type": "api",
        "importerKey": "api",
        "ts": now,
        "status": states.NEW,
        "valid": True,
        "user": user_id,
        "_updatedAt": now,
    }
    return replace_operations(db, operation)


def replace_operations(db, operation):
    """Invalidate every operation, empty the staging area and the stored files, then insert
    `operation` as the current one; return it."""
    clear(db, operation["_updatedAt"])
    # The current operation is the newest `ts`, for Rocket.Chat too: one replaced within
    # the same millisecond would tie with this one, so this one is made a millisecond newer.
    newest = import_operations.newest_ts(db)
    if isinstance(newest, datetime) and newest >= operation["ts"]:
        operation["ts"] = newest + timedelta(milliseconds=1)
    import_operations.insert(db, operation)
    return operation


def add_users(db, users, max_users=None):
    """Stage users in the current operation, or refuse them all with Rocket.Chat's reason."""
    if not users:
        return 0
    if max_users is not None and len(users) > max_users:
        raise InvalidParams(f"must NOT have more than {max_users} items")
    operation = _receiving_operation(db)
    if any(missing_required_data(user) for user in users):
        raise ActionRefused(MISSING_DATA)
    defaults = default_roles(db)
    merged = [merge_roles(user.get("roles"), defaults) for user in users]
    if roles.missing(db, {role for user_roles in merged for role in user_roles}):
        raise ActionRefused(INVALID_ROLES)
    records = [_staged(user, user_roles) for user, user_roles in zip(users, merged, strict=True)]
    # Users added to a prepared file's operation: its selection snapshot no longer tells all.
    import_files.delete_selections(db, operation["_id"])
    staging.insert_many(db, records)
    import_operations.add_staged_users(
        db, operation["_id"], len(records), states.USER_SELECTION, clock.now()
    )
    return len(records)


def _current_valid_operation(db, refusal):
    # Rocket.Chat's routes act on the newest operation only while it is valid.
    operation = import_operations.current(db)
    if operation is None or operation.get("valid") is not True:
        raise ActionRefused(refusal)
    return operation


def _receiving_operation(db):
    operation = _current_valid_operation(db, NOT_INITIALIZED)
    state = state_of(operation)
    if state in states.BUSY_STATES:
        raise ActionRefused(CANNOT_RECEIVE)
    if state in states.FINISHED_STATES:
        raise ActionRefused(ALREADY_FINISHED)
    return operation


def default_roles(db):
    """Return the roles every new user gets (`Accounts_Registration_Users_Default_Roles`)."""
    return parse_roles(settings.value_of(db, DEFAULT_ROLES, "user"))


def _staged(user, user_roles):
    data = {key: value for key, value in user.items() if key != "password"}
    data["roles"] = user_roles
    record = {"_id": str(ObjectId()), "dataType": staging.USER, "data": data}
    if user.get("password"):
        # Beside `data`, never in it: Rocket.Chat's own run reads `data.password` as a
        # string, and would hash anything else as the empty password. Without it, it gives
        # the user a temporary password nobody knows.
        record[staging.PASSWORD_DIGEST] = passwords.digest(user["password"])
    return record


def start_import(db):
    """Switch the current operation to importing, atomically; a worker runs it."""
    operation = _current_valid_operation(db, "error-operation-not-found")
    started = import_operations.switch_status(
        db, operation["_id"], states.USER_SELECTION, states.IMPORTING_STARTED, clock.now()
    )
    if not started:
        raise ActionRefused("error-invalid-operation-status")
    return operation["_id"]


def clear(db, now=None):
    """Invalidate every operation, empty the staging area and delete the stored files (a
    running import stops)."""
    import_operations.invalidate_all(db, now or clock.now())
    staging.delete_all(db)
    user_updates.delete_all(db)
    import_files.delete(db, import_operations.file_ids(db))
    import_files.delete_selections(db)


def cancel(db):
    """Cancel the current operation: at once if no worker runs it, else at its next batch."""
    operation = _current_valid_operation(db, NOTHING_TO_CANCEL)
    state = state_of(operation)
    if state in states.FINISHED_STATES:
        raise ActionRefused(ALREADY_FINISHED)
    if state == "loading":
        raise ActionRefused(CANNOT_CANCEL_LOADING)
    now = clock.now()
    if import_operations.cancel_unclaimed(
        db, operation["_id"], states.WAITING, states.CANCELLED, now
    ):
        return import_operations.current(db)
    if not import_operations.request_cancel(db, operation["_id"], states.IMPORTING, now):
        raise ActionRefused(ALREADY_FINISHED)  # it finished while we looked
    return import_operations.current(db)
