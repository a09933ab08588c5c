"""The `rocketchat_import` collection: import operations."""

import pymongo

COLLECTION = "rocketchat_import"

LATEST_LIMIT = 20  # getLatestImportOperations returns at most this many


def current(db):
    """Return the operation with the newest `ts` (valid or not), or None."""
    return db[COLLECTION].find_one({}, sort=[("ts", pymongo.DESCENDING)])


def latest_updated(db, limit=LATEST_LIMIT):
    """Return up to `limit` operations, most recently updated first."""
    return list(db[COLLECTION].find({}).sort("_updatedAt", pymongo.DESCENDING).limit(limit))
