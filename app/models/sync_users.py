"""The `users` collection read as a sync's counterpart: the users a list's entries name
(by import id, e-mail or username, ignoring case as Rocket.Chat's indexes do), and the
imported users a list may leave out."""

from app.models.connection import is_embedded, iterate
from app.models.users import (
    CASE_INSENSITIVE,
    COLLECTION,
    UPDATABLE_PROJECTION,
    any_of_ignoring_case,
)

# Bots and apps are Rocket.Chat's own accounts: a sync never deactivates them.
NOT_PEOPLE = ("bot", "app")
_CANDIDATE_PROJECTION = {"username": 1, "roles": 1, "type": 1, "active": 1}


def find_named(db, *, emails, usernames, import_ids):
    """Return the users holding any of these import ids, e-mails or usernames (the last two
    ignoring case), with what a sync compares: one indexed query per field, never an $or."""
    found = {}
    for field, values in (
        ("importIds", import_ids),
        ("emails.address", emails),
        ("username", usernames),
    ):
        for user in _holding(db, field, values) if values else ():
            found.setdefault(user["_id"], user)
    return list(found.values())


def _holding(db, field, values):
    if not is_embedded(db):
        query = {field: {"$in": list(values)}}
        return db[COLLECTION].find(query, UPDATABLE_PROJECTION, collation=CASE_INSENSITIVE)
    # mongomock ignores collations.
    match = {"$in": list(values)} if field == "importIds" else any_of_ignoring_case(values)
    return db[COLLECTION].find({field: match}, UPDATABLE_PROJECTION)


def imported_active(db, *, any_user=False, batch_size=1000):
    """Iterate over the active people (no bots, no apps) that came from an import (every
    active person when `any_user`), by `_id`: the users a list may leave out."""
    query = {"active": True, "type": {"$nin": list(NOT_PEOPLE)}}
    if not any_user:
        query["importIds.0"] = {"$exists": True}
    cursor = db[COLLECTION].find(query, _CANDIDATE_PROJECTION).sort("_id", 1)
    return iterate(cursor.batch_size(batch_size))


def count_active_people(db):
    """Count the active users that are not bots or apps (the base of the sync's limit)."""
    return db[COLLECTION].count_documents({"active": True, "type": {"$nin": list(NOT_PEOPLE)}})
