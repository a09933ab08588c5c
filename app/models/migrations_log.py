"""The `bulkimport_migrations` collection: which of our migrations ran (Rocket.Chat owns
`migrations`)."""

from pymongo.errors import DuplicateKeyError

COLLECTION = "bulkimport_migrations"


def applied(db):
    """Return the numbers of the migrations already applied."""
    return {doc["_id"] for doc in db[COLLECTION].find({}, {"_id": 1})}


def record(db, number, name, now):
    """Record that a migration ran; a concurrent migrator may have recorded it first."""
    try:
        db[COLLECTION].insert_one({"_id": number, "name": name, "appliedAt": now})
    except DuplicateKeyError:
        pass
