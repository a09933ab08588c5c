"""The `rocketchat_settings` collection."""

COLLECTION = "rocketchat_settings"


def value_of(db, setting_id, default=None):
    """Return a setting's value, or default when the setting does not exist."""
    document = db[COLLECTION].find_one({"_id": setting_id}, {"value": 1})
    return default if document is None else document.get("value", default)


def values_of(db, setting_ids):
    """Return {id: value} of those of these settings that exist, in one query."""
    found = db[COLLECTION].find({"_id": {"$in": list(setting_ids)}}, {"value": 1})
    return {document["_id"]: document.get("value") for document in found if "value" in document}


def increment(db, setting_id, by):
    """Add to a numeric setting's value, as Rocket.Chat's importers count what they read;
    a setting Rocket.Chat has not created is left absent."""
    db[COLLECTION].update_one({"_id": setting_id}, {"$inc": {"value": by}})
