"""The `users` collection."""

import re

from pymongo.errors import BulkWriteError

from app.models.connection import is_embedded

COLLECTION = "users"
DUPLICATE_KEY = 11000

# Rocket.Chat's own case-insensitive lookups use this collation, and it declares
# case-insensitive indexes on username and emails.address with it.
CASE_INSENSITIVE = {"locale": "en", "strength": 2}

# Rocket.Chat declares the unique, sparse and case-insensitive indexes; the
# case-insensitive importIds index is ours, so that every collated lookup has an index.
INDEXES = [
    ([("username", 1)], {"unique": True, "sparse": True}),
    ([("emails.address", 1)], {"unique": True, "sparse": True}),
    ([("importIds", 1)], {"sparse": True}),
    ([("services.resume.loginTokens.hashedToken", 1)], {"unique": True, "sparse": True}),
    ([("username", 1)], {"collation": CASE_INSENSITIVE, "name": "bulkimport_username_ci"}),
    ([("emails.address", 1)], {"collation": CASE_INSENSITIVE, "name": "bulkimport_emails_ci"}),
    ([("importIds", 1)], {"collation": CASE_INSENSITIVE, "name": "bulkimport_importIds_ci"}),
]

# What the auth hook needs of the caller; never the services (passwords, tokens).
_AUTH_PROJECTION = {"_id": 1, "username": 1, "roles": 1, "active": 1}
_IDENTITY_PROJECTION = {"_id": 1, "username": 1, "emails.address": 1, "importIds": 1}


def find_by_hashed_token(db, user_id, hashed_token):
    """Return the user with this id holding this hashed login or personal access token."""
    query = {"_id": user_id, "services.resume.loginTokens.hashedToken": hashed_token}
    return db[COLLECTION].find_one(query, _AUTH_PROJECTION)


def find_holders(db, *, emails, usernames, import_ids):
    """Return users holding any of these emails or usernames, compared case-insensitively,
    or import ids; a superset that the caller narrows down."""
    # One indexed query per field rather than one $or: a server that does not plan an $or
    # as a union of index scans (SecantusDB) scans the whole collection for it, which made
    # every batch of an import cost O(users).
    found = {}
    for field, values in (
        ("emails.address", emails),
        ("username", usernames),
        ("importIds", import_ids),
    ):
        for user in _holders_of(db, field, values) if values else ():
            found.setdefault(user["_id"], user)
    return list(found.values())


def _holders_of(db, field, values):
    if is_embedded(db):
        # mongomock ignores collations: match whole values with case-insensitive regexes.
        if field != "importIds":
            values = [_whole_ignoring_case(v) for v in values]
        return db[COLLECTION].find({field: {"$in": values}}, _IDENTITY_PROJECTION)
    query = {field: {"$in": list(values)}}
    return db[COLLECTION].find(query, _IDENTITY_PROJECTION, collation=CASE_INSENSITIVE)


def _whole_ignoring_case(value):
    return re.compile(f"^{re.escape(value)}$", re.IGNORECASE)


def insert_new(db, documents):
    """Insert users, unordered; return {index: duplicated key or None} of those refused."""
    if not documents:
        return {}
    try:
        db[COLLECTION].insert_many(documents, ordered=False)
    except BulkWriteError as error:
        refused = {}
        for write_error in error.details.get("writeErrors", []):
            if write_error.get("code") != DUPLICATE_KEY:
                raise
            refused[write_error["index"]] = _duplicated_key(write_error)
        return refused
    return {}


def _duplicated_key(write_error):
    for source in (write_error.get("keyPattern"), write_error.get("keyValue")):
        if source:
            return next(iter(source))
    match = re.search(r"index: (\S+?)(?:_-?1)? dup key", write_error.get("errmsg", ""))
    return match.group(1) if match else None


def ids_existing(db, user_ids):
    """Return which of these user ids exist."""
    return {doc["_id"] for doc in db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, {"_id": 1})}
