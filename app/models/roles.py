"""The `rocketchat_roles` collection."""

COLLECTION = "rocketchat_roles"


def missing(db, role_ids):
    """Return the role ids that have no role document."""
    wanted = set(role_ids)
    if not wanted:
        return set()
    found = {doc["_id"] for doc in db[COLLECTION].find({"_id": {"$in": list(wanted)}}, {"_id": 1})}
    return wanted - found


def insert_missing(db, role, scope, now):
    """Create a role document as Rocket.Chat ships it if none exists; never touch one."""
    db[COLLECTION].update_one(
        {"_id": role},
        {
            "$setOnInsert": {
                "name": role,
                "scope": scope,
                "description": "",
                "protected": True,
                "mandatory2fa": False,
                "_updatedAt": now,
            }
        },
        upsert=True,
    )
