"""The `rocketchat_permissions` collection."""

COLLECTION = "rocketchat_permissions"


def is_granted(db, permission, roles):
    """Tell whether a permission document names one of these roles (no document: no)."""
    if not roles:
        return False
    query = {"_id": permission, "roles": {"$in": list(roles)}}
    return db[COLLECTION].find_one(query, {"_id": 1}) is not None
