"""Documents of a dump written into a database as they are, batch by batch."""

from pymongo.errors import BulkWriteError

from app.models.db_errors import DUPLICATE_KEY


def insert(db, collection, documents):
    """Insert documents as they are, in order; raise FileExistsError naming an _id that
    exists already (in the database, or earlier in the same dump)."""
    try:
        db[collection].insert_many(documents, ordered=True)
    except BulkWriteError as error:
        errors = (error.details or {}).get("writeErrors") or [{}]
        first = errors[0]
        if first.get("code") == DUPLICATE_KEY:
            duplicate = documents[first.get("index", 0)].get("_id")
            raise FileExistsError(
                f"{collection}: a document with _id {duplicate!r} exists already"
            ) from None
        raise


def others(db, collection, ids, limit):
    """Return (how many documents of the collection have none of these _ids, the first
    `limit` of them with their username)."""
    query = {"_id": {"$nin": list(ids)}}
    few = list(db[collection].find(query, {"username": 1}).sort("_id", 1).limit(limit))
    return db[collection].count_documents(query), few


def existing_ids(db, collection, ids):
    """Return which of these _ids the collection holds."""
    return [doc["_id"] for doc in db[collection].find({"_id": {"$in": list(ids)}}, {"_id": 1})]
