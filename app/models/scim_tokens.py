"""The `bulkimport_scim_tokens` collection: one bearer token per identity provider, kept as
its hash only (`_id` the token's name)."""

from pymongo.errors import DuplicateKeyError

COLLECTION = "bulkimport_scim_tokens"

INDEXES = [([("hash", 1)], {"unique": True})]
_LISTED = {"_id": 1, "createdAt": 1, "lastUsedAt": 1, "bypassRateLimit": 1}


def insert(db, document):
    """Store a new token; False when a token of that name exists."""
    if db[COLLECTION].find_one({"_id": document["_id"]}, {"_id": 1}):
        return False
    try:
        db[COLLECTION].insert_one(document)
    except DuplicateKeyError:
        return False
    return True


def find_by_hash(db, token_hash):
    """Return the token whose hash this is (never the hash itself), or None."""
    return db[COLLECTION].find_one({"hash": token_hash}, {"hash": 0})


def listing(db):
    """Return every token's name, dates and rate-limit bypass, by name."""
    return list(db[COLLECTION].find({}, _LISTED).sort("_id", 1))


def delete(db, name):
    """Remove a token; tell whether there was one."""
    return db[COLLECTION].delete_one({"_id": name}).deleted_count == 1


def note_use(db, name, now):
    """Record when a token was last used (at most once a minute: see the service)."""
    db[COLLECTION].update_one({"_id": name}, {"$set": {"lastUsedAt": now}})
