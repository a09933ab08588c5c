"""The `rocketchat_permissions` collection."""

COLLECTION = "rocketchat_permissions"


def granted(db, permissions, roles):
    """Return which of these permissions name one of these roles, in one query."""
    if not roles or not permissions:
        return set()
    query = {"_id": {"$in": list(permissions)}, "roles": {"$in": list(roles)}}
    return {doc["_id"] for doc in db[COLLECTION].find(query, {"_id": 1})}


def insert_missing(db, permission, roles, now):
    """Create a permission document if none exists; never touch an existing one."""
    db[COLLECTION].update_one(
        {"_id": permission},
        {"$setOnInsert": {"roles": list(roles), "_updatedAt": now}},
        upsert=True,
    )
