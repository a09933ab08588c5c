"""The `rocketchat_roles` collection."""

COLLECTION = "rocketchat_roles"


def missing(db, role_ids):
    """Return the role ids that have no role document."""
    wanted = set(role_ids)
    if not wanted:
        return set()
    found = {doc["_id"] for doc in db[COLLECTION].find({"_id": {"$in": list(wanted)}}, {"_id": 1})}
    return wanted - found
