"""The file importers' selection: what getImportFileData shows and what startImport imports.

getImportFileData only reads: the worker prepares the file. startImport keeps the users
the administrator selected and removes the others from the staging area, so that the run
imports, and counts, exactly those.
"""

import itertools
import uuid
from dataclasses import dataclass

from app.contract import states
from app.errors import ActionRefused, MethodError
from app.models import import_operations, staging
from app.services import selection_snapshot
from app.services.file_imports import NOT_IMPORTED_KINDS, importer_for
from app.services.lease import INVALIDATED, Lease, Stopped
from app.services.selection_snapshot import entries_json, first

FILE_DATA = "getImportFileData"
START = "startImport"
_HOLD_SECONDS = 60  # how long startImport keeps workers off while it applies the selection
_DELETE_CHUNK = 1000
_NOT_FOUND = "error-operation-not-found"
_INVALID_STATUS = "error-invalid-operation-status"
_READ_CHUNK = 1000  # staged users shaped and serialized at a time, without a snapshot
# What the selection shows of a staged record.
_USER_FIELDS = ("importIds", "username", "emails", "deleted", "type")
_CHANNEL_FIELDS = ("importIds", "name", "isPrivate", "isDirect", "creator", "members")


def _current(db, method):
    operation = import_operations.current(db)
    if operation is None:
        raise MethodError("Import Operation Not Found", "error-operation-not-found", method)
    key = operation.get("importerKey") or "api"
    if key != "api":
        importer_for(key, method)  # refused as Rocket.Chat refuses an importer it lacks
    return operation


def file_data(db):
    """Return `{waiting: true}` while the file is prepared, then the Selection."""
    operation = _current(db, FILE_DATA)
    status = operation.get("status")
    if operation.get("valid") is not True:
        raise _invalid()
    if status in states.PREPARABLE:
        return {"waiting": True}
    if status == states.FAILED:
        reason = operation.get(states.ERROR_MESSAGE) or "The import operation failed"
        raise MethodError(reason, "error-import-failed", FILE_DATA)
    if status not in states.SELECTABLE:
        raise _invalid()
    channels = staging.all_of_type(db, staging.CHANNEL, _CHANNEL_FIELDS)
    return Selection(
        name=operation.get("type"),
        users_json=_users_json(db, operation),
        channels=[_channel_entry(record["data"]) for record in channels],
        message_count=(operation.get("count") or {}).get("messages") or 0,
        not_imported=NOT_IMPORTED_KINDS,
    )


@dataclass(frozen=True)
class Selection:
    """What getImportFileData answers once the file is prepared; the users already as the
    JSON array Rocket.Chat's body holds (a hundred thousand of them are megabytes)."""

    name: str | None
    users_json: bytes
    channels: list
    message_count: int
    not_imported: list


def _users_json(db, operation):
    # Until startImport, the staging area holds what the preparation wrote, snapshot and
    # all; after it (or for an operation prepared elsewhere), the staging area tells.
    if operation.get("status") == states.USER_SELECTION:
        snapshot = selection_snapshot.stored(db, operation["_id"])
        if snapshot is not None:
            return snapshot
    parts = (entries_json(batch) for batch in _staged_user_batches(db))
    return ("[" + ",".join(part for part in parts if part) + "]").encode()


def _staged_user_batches(db):
    records = staging.all_of_type(db, staging.USER, _USER_FIELDS)
    while batch := [record["data"] for record in itertools.islice(records, _READ_CHUNK)]:
        yield batch


def _invalid():
    return MethodError("Invalid Import Operation", "error-import-operation-invalid", FILE_DATA)


def _channel_entry(data):
    entry = {
        "channel_id": first(data.get("importIds")),
        "name": data.get("name"),
        "is_archived": False,
        "do_import": True,
        "is_private": bool(data.get("isPrivate")),
        "is_direct": bool(data.get("isDirect")),
        # Ours: how many members the file names (its creator aside), for the console to show.
        "memberCount": len(data.get("members") or []),
    }
    if data.get("creator"):
        entry["creator"] = data["creator"]
    return entry


def start(db, selection):
    """Import the selected users of a `ready` operation; a second concurrent call loses."""
    operation = _current(db, START)
    if operation.get("valid") is not True:
        raise ActionRefused(_NOT_FOUND)
    holder = f"startImport:{uuid.uuid4().hex}"
    hold = Lease.take(
        db,
        operation["_id"],
        holder,
        _HOLD_SECONDS,
        states.USER_SELECTION,
        states.IMPORTING_STARTED,
        changes={states.SELECTION_PENDING: True},
    )
    if hold is None:
        raise ActionRefused(_INVALID_STATUS)
    try:
        _keep_selected(db, selected_users(selection), hold)
        _keep_selected(db, selected_channels(selection), hold, staging.CHANNEL)
    except Stopped:
        # Replaced (import.new, import.clear) or taken over meanwhile: the selection is not
        # applied, and the caller hears what a call made now would hear. (After a stop there
        # is nothing of ours left to release.)
        valid = import_operations.is_valid(db, operation["_id"])
        raise ActionRefused(_INVALID_STATUS if valid else _NOT_FOUND) from None
    except Exception:
        # A failover half-way: back to the selection, for the administrator to send again.
        hold.release({"status": states.USER_SELECTION, states.SELECTION_PENDING: False})
        raise
    # Workers may run it now: the staging area holds the selected users only.
    hold.release({states.SELECTION_PENDING: False})
    return operation["_id"]


def selected_users(selection):
    """Return the import ids of the users to import, or None for all of them."""
    return _selected(selection.get("users"), "user_id")


def selected_channels(selection):
    """Return the ids of the channels to import, or None for all of them."""
    return _selected(selection.get("channels"), "channel_id")


def _selected(chosen, id_key):
    if isinstance(chosen, list):  # 6.x: the full selection
        return {entry[id_key] for entry in chosen if entry.get("do_import")}
    if chosen and chosen.get("all"):
        return None
    return set((chosen or {}).get("list") or [])


def _keep_selected(db, import_ids, hold, data_type=staging.USER):
    if import_ids is None:
        return
    unselected = [
        record["_id"]
        for record in staging.all_of_type(db, data_type, ("importIds",))
        if first(record["data"].get("importIds")) not in import_ids
    ]
    for start_at in range(0, len(unselected), _DELETE_CHUNK):
        staging.delete_ids(db, unselected[start_at : start_at + _DELETE_CHUNK])
        # The hold is renewed after every chunk: once it expired, a worker would claim the
        # run and import the users not deleted yet (100,000 rows on the embedded database
        # took 78 s, and 95,000 unselected users were being imported). An operation replaced
        # meanwhile will never run: deleting on would only keep the administrator waiting.
        if hold.report({}).get("valid") is not True:
            hold.stop(INVALIDATED)
