"""The `bulkimport_scim_users` collection: what an identity provider knows of a Rocket.Chat
user that Rocket.Chat's user document has no place for. `_id` is the user's `_id`; it holds
the SCIM `userName` as given (and `userNameKey`, its case-folded form, for lookups that
ignore case without a collation), the `externalId`, and `deletedAt` once deleted over SCIM."""

from pymongo.errors import DuplicateKeyError

COLLECTION = "bulkimport_scim_users"

INDEXES = [
    ([("userNameKey", 1)], {"unique": True, "sparse": True}),
    ([("externalId", 1)], {"sparse": True}),
    ([("deletedAt", 1)], {"sparse": True}),
]


def of_user_name(db, key):
    """Return the records whose case-folded userName is key (one at most, unless a
    concurrent write slipped past the embedded database, which has no unique index)."""
    return list(db[COLLECTION].find({"userNameKey": key}))


def of_external_id(db, external_id):
    """Return the records holding this externalId (compared exactly, as SCIM says)."""
    return list(db[COLLECTION].find({"externalId": external_id}))


def of_users(db, user_ids):
    """Return {user id: record} of these users that have one."""
    return {r["_id"]: r for r in db[COLLECTION].find({"_id": {"$in": list(user_ids)}})}


def deleted_ids(db):
    """Return the ids of the users deleted over SCIM."""
    return [r["_id"] for r in db[COLLECTION].find({"deletedAt": {"$exists": True}}, {"_id": 1})]


def claim(db, user_id, fields, now):
    """Record a user about to be created; False when its userName is taken meanwhile."""
    kept = {key: value for key, value in fields.items() if value is not None}
    try:
        db[COLLECTION].insert_one({"_id": user_id, **kept, "createdAt": now, "updatedAt": now})
    except DuplicateKeyError:
        return False
    return True


def release(db, user_id):
    """Forget a claim whose user could not be created."""
    db[COLLECTION].delete_one({"_id": user_id})


def save(db, user_id, fields, now):
    """Write a user's record (created if missing), undeleted; a field None is removed."""
    unset = {key: "" for key, value in fields.items() if value is None}
    kept = {key: value for key, value in fields.items() if value is not None}
    db[COLLECTION].update_one(
        {"_id": user_id},
        {"$set": {**kept, "updatedAt": now}, "$unset": {**unset, "deletedAt": ""}},
        upsert=True,
    )


def mark_deleted(db, user_id, now):
    """Record that the identity provider deleted this user."""
    db[COLLECTION].update_one(
        {"_id": user_id}, {"$set": {"deletedAt": now, "updatedAt": now}}, upsert=True
    )
