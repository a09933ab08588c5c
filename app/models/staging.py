"""The `rocketchat_import_data` collection: the staging area, where import.addUsers puts
users until the import creates them (or records why it could not)."""

import pymongo
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from app.models.connection import iterate
from app.models.db_errors import DUPLICATE_KEY

COLLECTION = "rocketchat_import_data"
USER = "user"
# Ours: a staged password's SHA-256 digest, kept beside `data` (where Rocket.Chat never
# looks) until the user is created, and dropped when the record fails.
PASSWORD_DIGEST = "_passwordDigest"

# What Rocket.Chat declares on this collection.
INDEXES = [([("dataType", pymongo.ASCENDING)], {})]


def delete_all(db):
    """Empty the staging area."""
    db[COLLECTION].delete_many({})


def insert_many(db, records):
    """Stage records."""
    if records:
        db[COLLECTION].insert_many(records, ordered=True)


def pending_users(db, *, batch_size):
    """Iterate over the staged users not yet processed, in `_id` order."""
    query = {"dataType": USER, "errors": {"$exists": False}}
    cursor = db[COLLECTION].find(query).sort("_id", pymongo.ASCENDING).batch_size(batch_size)
    return iterate(cursor)


def first_pending_ids(db, limit):
    """Return the `_id`s of the first `limit` staged users not yet processed, in `_id` order."""
    query = {"dataType": USER, "errors": {"$exists": False}}
    cursor = db[COLLECTION].find(query, {"_id": 1}).sort("_id", pymongo.ASCENDING).limit(limit)
    return [record["_id"] for record in cursor]


def count_users(db, failed_only=False):
    """Count staged users (only those that failed, when asked)."""
    query = {"dataType": USER}
    if failed_only:
        query["errors"] = {"$exists": True}
    return db[COLLECTION].count_documents(query)


def delete_ids(db, record_ids):
    """Remove the staged records of users that were created."""
    if record_ids:
        db[COLLECTION].delete_many({"_id": {"$in": list(record_ids)}})


def mark_failed(db, reasons):
    """Record why each record failed: {record_id: message}, in one round trip."""
    if reasons:
        # A failed record is never run again: its password's digest goes.
        db[COLLECTION].bulk_write(
            [
                UpdateOne(
                    {"_id": record_id},
                    {"$set": {"errors": [{"message": message}]}, "$unset": {PASSWORD_DIGEST: ""}},
                )
                for record_id, message in reasons.items()
            ],
            ordered=False,
        )


# Never read back a staged password, not even its digest.
_WITHOUT_PASSWORD = {"data.password": 0, PASSWORD_DIGEST: 0}


def failed_users(db, offset, limit):
    """Return staged users that failed, with their reasons, in staging order, one page."""
    query = {"dataType": USER, "errors": {"$exists": True}}
    cursor = db[COLLECTION].find(query, _WITHOUT_PASSWORD).sort("_id", pymongo.ASCENDING)
    return list(cursor.skip(offset).limit(limit))


CHANNEL = "channel"


def insert_new(db, records):
    """Stage records whose `_id`s may already be staged: those are left as they are."""
    if not records:
        return
    try:
        db[COLLECTION].insert_many(records, ordered=False)
    except BulkWriteError as error:
        # Deterministic `_id`s make a retried batch a no-op; anything else is a real error.
        if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
            raise


def delete_id_range(db, first_id, last_id):
    """Remove the records whose `_id` lies in [first_id, last_id]."""
    db[COLLECTION].delete_many({"_id": {"$gte": first_id, "$lte": last_id}})


def count_type(db, data_type):
    """Count the staged records of one type (`user`, `channel`)."""
    return db[COLLECTION].count_documents({"dataType": data_type})


def all_of_type(db, data_type, fields):
    """Iterate over the staged records of one type, in `_id` order: `data`'s `fields` only."""
    projection = {f"data.{name}": 1 for name in fields}
    cursor = db[COLLECTION].find({"dataType": data_type}, projection)
    return iterate(cursor.sort("_id", pymongo.ASCENDING).batch_size(1000))


def legacy_password_records(db):
    """Iterate over the user records whose `data.password` holds Meteor's `{digest,
    algorithm}` object, as versions before `_passwordDigest` staged it."""
    query = {"dataType": USER, "data.password.algorithm": {"$exists": True}}
    return iterate(db[COLLECTION].find(query, {"data.password": 1}).batch_size(1000))


def move_password_digest(db, record_id, hex_digest):
    """Keep a record's digest beside its `data` and remove `data.password`."""
    db[COLLECTION].update_one(
        {"_id": record_id},
        {"$set": {PASSWORD_DIGEST: hex_digest}, "$unset": {"data.password": ""}},
    )


# Ours, on a channel record: its members joined (the run does not come back to it).
CHANNEL_DONE = "_done"


def pending_channels(db):
    """Iterate over the staged channels (direct messages aside) not imported yet, in order."""
    query = {"dataType": CHANNEL, "data.isDirect": {"$ne": True}, CHANNEL_DONE: {"$ne": True}}
    return iterate(db[COLLECTION].find(query).sort("_id", pymongo.ASCENDING))


def mark_channel_done(db, record_id):
    """Record that a staged channel's members joined its room."""
    db[COLLECTION].update_one({"_id": record_id}, {"$set": {CHANNEL_DONE: True}})


def all_users(db, *, batch_size):
    """Iterate over every staged user, in `_id` order, without its password's digest."""
    query = {"dataType": USER}
    cursor = db[COLLECTION].find(query, _WITHOUT_PASSWORD).sort("_id", pymongo.ASCENDING)
    return iterate(cursor.batch_size(batch_size))


def users_of(db, record_ids):
    """Return the staged users of these `_id`s (with their password's digest), in `_id` order."""
    cursor = db[COLLECTION].find({"_id": {"$in": list(record_ids)}, "dataType": USER})
    return list(cursor.sort("_id", pymongo.ASCENDING))
