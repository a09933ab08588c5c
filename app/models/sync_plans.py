"""The `bulkimport_sync_plan_entries` collection (ours): one document per action of a sync's
plan, in plan order (`seq`), each marked `done` with the outcome once the run carried it out.

An entry's `_id` is `<operation>:<seq>`, so a plan written twice (a retried request) is
the same plan, and the run finds what is left by `done: false` in `seq` order.
"""

import pymongo
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from app.models.connection import iterate
from app.models.db_errors import DUPLICATE_KEY

COLLECTION = "bulkimport_sync_plan_entries"

INDEXES = [
    # Pages of one action, and the run's walk through what is left, both in plan order.
    ([("operation", 1), ("action", 1), ("seq", 1)], {"name": "bulkimport_sync_action_seq"}),
    ([("operation", 1), ("done", 1), ("seq", 1)], {"name": "bulkimport_sync_done_seq"}),
    # Which users the list matched: the users it did not are the missing ones.
    ([("operation", 1), ("userId", 1)], {"name": "bulkimport_sync_user"}),
]


def entry_id(operation_id, seq):
    """Return the `_id` of one entry of an operation's plan."""
    return f"{operation_id}:{seq:09d}"


def delete_plan(db, operation_id=None):
    """Remove the entries of one operation's plan (of every plan when None)."""
    db[COLLECTION].delete_many({} if operation_id is None else {"operation": operation_id})


def insert(db, entries):
    """Store entries; one already stored (same `_id`) is left as it is."""
    if not entries:
        return
    try:
        db[COLLECTION].insert_many(entries, ordered=False)
    except BulkWriteError as error:
        if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
            raise


def matched_ids(db, operation_id, *, batch_size):
    """Iterate over the ids of the users the plan's entries matched, ascending, each once."""
    query = {"operation": operation_id, "userId": {"$type": "string"}}
    cursor = db[COLLECTION].find(query, {"userId": 1, "_id": 0}).sort("userId", 1)
    previous = None
    for entry in iterate(cursor.batch_size(batch_size)):
        if entry["userId"] != previous:
            previous = entry["userId"]
            yield previous


def page(db, operation_id, action, offset, count):
    """Return (entries of one page in plan order, how many match): of one action, or all."""
    query = {"operation": operation_id}
    if action:
        query["action"] = action
    total = db[COLLECTION].count_documents(query)
    if count == 0 or offset >= total:
        return [], total
    cursor = db[COLLECTION].find(query, {"apply": 0}).sort("seq", 1).skip(offset).limit(count)
    return list(iterate(cursor)), total


def pending(db, operation_id, batch_size):
    """Iterate over the entries the run has yet to carry out, in plan order."""
    query = {"operation": operation_id, "done": False}
    cursor = db[COLLECTION].find(query).sort("seq", pymongo.ASCENDING).batch_size(batch_size)
    return iterate(cursor)


def mark_done(db, outcomes):
    """Record each entry's outcome, {entry id: None (done) or why it failed}, in one trip."""
    if outcomes:
        writes = [
            UpdateOne({"_id": i}, {"$set": {"done": True, "error": why}})
            for i, why in outcomes.items()
        ]
        db[COLLECTION].bulk_write(writes, ordered=False)


def count_done(db, operation_id):
    """Return {action: entries carried out}, and `failed`: those that could not be."""
    done = {"failed": 0}
    query = {"operation": operation_id, "done": True}
    for entry in db[COLLECTION].find(query, {"action": 1, "error": 1, "_id": 0}):
        if entry.get("error"):
            done["failed"] += 1
        else:
            done[entry["action"]] = done.get(entry["action"], 0) + 1
    return done
