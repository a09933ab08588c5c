"""The `rocketchat_settings` collection."""

COLLECTION = "rocketchat_settings"


def value_of(db, setting_id, default=None):
    """Return a setting's value, or default when the setting does not exist."""
    document = db[COLLECTION].find_one({"_id": setting_id}, {"value": 1})
    return default if document is None else document.get("value", default)
