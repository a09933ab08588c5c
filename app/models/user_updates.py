"""The `bulkimport_user_updates` collection (ours): which existing users a file import
updated, and which of their fields changed (names only, never a value)."""

import pymongo

COLLECTION = "bulkimport_user_updates"

# The updates of one operation, in staging order (the record's `_id`).
INDEXES = [
    (
        [("operation", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)],
        {"name": "bulkimport_operation"},
    )
]


def record(db, record_id, entry):
    """Record the update a staged record makes, once: a run that resumes after a crash
    finds the record it wrote before and keeps it (the fields it changed are not seen again)."""
    db[COLLECTION].update_one({"_id": record_id}, {"$setOnInsert": entry}, upsert=True)


def forget(db, record_id):
    """Remove the record of an update that the database then refused."""
    db[COLLECTION].delete_one({"_id": record_id})


def count(db, operation_id):
    """Count the users an operation updated."""
    return db[COLLECTION].count_documents({"operation": operation_id})


def count_among(db, record_ids):
    """Count the records among these that made an update."""
    return db[COLLECTION].count_documents({"_id": {"$in": list(record_ids)}}) if record_ids else 0


def page(db, operation_id, offset, limit):
    """Return one page of an operation's updates, in staging order."""
    cursor = db[COLLECTION].find({"operation": operation_id}).sort("_id", pymongo.ASCENDING)
    return list(cursor.skip(offset).limit(limit))


def delete_all(db):
    """Forget every recorded update (import.new and import.clear empty the staging area too)."""
    db[COLLECTION].delete_many({})
