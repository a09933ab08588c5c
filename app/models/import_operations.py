"""The `rocketchat_import` collection: import operations."""

import pymongo
from pymongo import ReturnDocument

from app.contract.states import CANCEL, CANCELLED, DONE, FAILED, FILE_ID, LEASE
from app.models.leases import free_for, taken_by

COLLECTION = "rocketchat_import"
LATEST_LIMIT = 20  # getLatestImportOperations returns at most this many

HISTORY_ORDER = [("_updatedAt", pymongo.DESCENDING), ("ts", pymongo.DESCENDING)]
# Ours, and only while a worker holds the operation: Rocket.Chat's import.status, which
# returns the whole document, shows them during a run and never after it.
_WORKER_FIELDS = {LEASE: "", CANCEL: ""}
_FINAL = (DONE, FAILED, CANCELLED)


def _released(changes):
    # A cancel request outlives a lease handed over (startImport's hold, a stopping
    # worker): the next holder acts on it. It goes with the operation's end.
    return _WORKER_FIELDS if changes.get("status") in _FINAL else {LEASE: ""}


# What Rocket.Chat declares on this collection, and ours for getLatestImportOperations.
INDEXES = [
    ([("ts", pymongo.DESCENDING)], {}),
    ([("valid", pymongo.ASCENDING)], {}),
    # getLatestImportOperations' order; `ts` breaks the tie of an operation and the one it
    # replaced, both written in the same millisecond.
    (HISTORY_ORDER, {"name": "bulkimport_updatedAt_ts"}),
]


def current(db):
    """Return the operation with the newest `ts` (valid or not), or None."""
    newest = list(db[COLLECTION].find({}, sort=[("ts", pymongo.DESCENDING)], limit=2))
    if not newest:
        return None
    first = newest[0]
    if len(newest) == 2 and newest[1].get("ts") == first.get("ts") and not first.get("valid"):
        # Two operations share the newest `ts` (two writers at once): the valid one leads.
        return db[COLLECTION].find_one({"ts": first.get("ts"), "valid": True}) or first
    return first


def newest_ts(db):
    """Return the `ts` of the newest operation (a date, or an old Rocket.Chat's number), or None."""
    newest = db[COLLECTION].find_one({}, {"ts": 1}, sort=[("ts", pymongo.DESCENDING)])
    return None if newest is None else newest.get("ts")


def latest_updated(db, limit=LATEST_LIMIT):
    """Return up to `limit` operations, most recently updated first."""
    return list(db[COLLECTION].find({}).sort(HISTORY_ORDER).limit(limit))


def insert(db, operation):
    """Insert a new operation document."""
    db[COLLECTION].insert_one(operation)


def invalidate_all(db, now):
    """Mark every operation not already invalid as invalid."""
    db[COLLECTION].update_many(
        {"valid": {"$ne": False}}, {"$set": {"valid": False, "_updatedAt": now}}
    )


def add_staged_users(db, operation_id, added, status, now):
    """Count `added` more staged users and move the operation to `status`."""
    db[COLLECTION].update_one(
        {"_id": operation_id},
        {
            "$inc": {"count.total": added, "count.users": added},
            "$set": {"status": status, "_updatedAt": now},
        },
    )


def switch_status(db, operation_id, expected, status, now):
    """Atomically move a valid operation from `expected` to `status`; tell if it moved."""
    result = db[COLLECTION].update_one(
        {"_id": operation_id, "valid": True, "status": expected},
        {"$set": {"status": status, "_updatedAt": now}},
    )
    return result.modified_count == 1


def claim(db, statuses, worker_id, now, expires):
    """Take the lease of a valid operation in `statuses` that no other live worker holds."""
    return db[COLLECTION].find_one_and_update(
        {"valid": True, "status": {"$in": list(statuses)}, **free_for(LEASE, worker_id, now)},
        {"$set": {LEASE: taken_by(worker_id, now, expires)}},
        sort=[("ts", pymongo.ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )


def report(db, operation_id, worker_id, changes, now, expires):
    """Write progress and renew the lease; return `{valid}`, or None if the lease is lost."""
    return db[COLLECTION].find_one_and_update(
        {"_id": operation_id, f"{LEASE}.worker": worker_id},
        {"$set": {**changes, "_updatedAt": now, f"{LEASE}.expiresAt": expires}},
        projection={"valid": 1, CANCEL: 1},
    )


def cancel_unclaimed(db, operation_id, statuses, status, now):
    """Move an operation in `statuses` that no live worker holds to `status`; tell if it did."""
    result = db[COLLECTION].update_one(
        {
            "_id": operation_id,
            "valid": True,
            "status": {"$in": list(statuses)},
            "$or": [{LEASE: {"$exists": False}}, {f"{LEASE}.expiresAt": {"$lt": now}}],
        },
        {"$set": {"status": status, "_updatedAt": now}, "$unset": _WORKER_FIELDS},
    )
    return result.modified_count == 1


def request_cancel(db, operation_id, statuses, now):
    """Ask the worker running an operation in `statuses` to cancel it; tell if it was asked."""
    result = db[COLLECTION].update_one(
        {"_id": operation_id, "valid": True, "status": {"$in": list(statuses)}},
        {"$set": {CANCEL: True, "_updatedAt": now}},
    )
    return result.modified_count == 1


def release(db, operation_id, worker_id, changes, now):
    """Write the last changes and give the lease up; tell whether it was still ours."""
    result = db[COLLECTION].update_one(
        {"_id": operation_id, f"{LEASE}.worker": worker_id},
        {"$set": {**changes, "_updatedAt": now}, "$unset": _released(changes)},
    )
    return result.modified_count == 1


def update(db, operation_id, changes, now):
    """Set fields of one operation."""
    db[COLLECTION].update_one({"_id": operation_id}, {"$set": {**changes, "_updatedAt": now}})


def file_ids(db):
    """Return the stored-file ids (ours, FILE_ID) of every operation."""
    query = {FILE_ID: {"$exists": True}}
    return [doc[FILE_ID] for doc in db[COLLECTION].find(query, {FILE_ID: 1})]


def switch_status_leased(db, operation_id, expected, status, holder, now, expires, changes=None):
    """Like switch_status, and take the lease for `holder` so no worker claims it yet."""
    result = db[COLLECTION].update_one(
        {"_id": operation_id, "valid": True, "status": expected},
        {
            "$set": {
                **(changes or {}),
                "status": status,
                "_updatedAt": now,
                LEASE: {"worker": holder, "claimedAt": now, "expiresAt": expires},
            }
        },
    )
    return result.modified_count == 1


def is_valid(db, operation_id):
    """Tell whether an operation exists and is still valid (not replaced nor cleared)."""
    return db[COLLECTION].count_documents({"_id": operation_id, "valid": True}, limit=1) == 1


def find(db, operation_id):
    """Return one operation by `_id`, or None."""
    return db[COLLECTION].find_one({"_id": operation_id})


def latest_with_status(db, status):
    """Return the newest operation (by `ts`) whose step is `status`, or None."""
    return db[COLLECTION].find_one({"status": status}, sort=[("ts", pymongo.DESCENDING)])


def next_ts_after(db, ts):
    """Return the `ts` of the first operation started after `ts`, or None."""
    later = db[COLLECTION].find_one(
        {"ts": {"$gt": ts}}, {"ts": 1}, sort=[("ts", pymongo.ASCENDING)]
    )
    return None if later is None else later["ts"]
