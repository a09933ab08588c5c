"""The `users` collection."""

import re

from pymongo.errors import AutoReconnect, BulkWriteError

from app.models.connection import TRANSIENT_CODES, is_embedded

COLLECTION = "users"
DUPLICATE_KEY = 11000

# Rocket.Chat's own case-insensitive lookups use this collation, and it declares
# case-insensitive indexes on username and emails.address with it.
CASE_INSENSITIVE = {"locale": "en", "strength": 2}

# Rocket.Chat declares the unique, sparse and case-insensitive indexes; the
# case-insensitive importIds index is ours, so that one collated query finds every holder.
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
    """Return (in one query) users holding any of these emails or usernames, compared
    case-insensitively, or import ids; a superset that the caller narrows down."""
    clauses = [
        {field: {"$in": values}}
        for field, values in (
            ("emails.address", emails),
            ("username", usernames),
            ("importIds", import_ids),
        )
        if values
    ]
    if not clauses:
        return []
    if is_embedded(db):
        # mongomock ignores collations: match whole values with case-insensitive regexes.
        for clause in clauses[:2]:
            (field,) = clause
            clause[field]["$in"] = [_whole_ignoring_case(v) for v in clause[field]["$in"]]
        return list(db[COLLECTION].find({"$or": clauses}, _IDENTITY_PROJECTION))
    cursor = db[COLLECTION].find({"$or": clauses}, _IDENTITY_PROJECTION, collation=CASE_INSENSITIVE)
    return list(cursor)


def _whole_ignoring_case(value):
    return re.compile(f"^{re.escape(value)}$", re.IGNORECASE)


def insert_new(db, documents):
    """Insert users, unordered; return {index: refusal} for the documents refused, where a
    refusal is `{"key": field}` for a duplicate and `{"message": text}` otherwise."""
    if not documents:
        return {}
    try:
        db[COLLECTION].insert_many(documents, ordered=False)
    except BulkWriteError as error:
        return _refusals(error)
    return {}


def _refusals(error):
    details = error.details or {}
    write_errors = details.get("writeErrors", [])
    transient = [e for e in write_errors if e.get("code") in TRANSIENT_CODES]
    if transient or details.get("writeConcernErrors"):
        # Not the documents' fault: the batch is retried once the database is back.
        raise AutoReconnect(f"insert interrupted: {error}") from error
    refusals = {}
    for write_error in write_errors:
        if write_error.get("code") == DUPLICATE_KEY:
            refusals[write_error["index"]] = {"key": _duplicated_key(write_error)}
        else:
            refusals[write_error["index"]] = {"message": write_error.get("errmsg", "refused")}
    return refusals


def _duplicated_key(write_error):
    for source in (write_error.get("keyPattern"), write_error.get("keyValue")):
        if source:
            return next(iter(source))
    match = re.search(r"index: (\S+?)(?:_-?1)? dup key", write_error.get("errmsg", ""))
    return match.group(1) if match else None


def ids_existing(db, user_ids):
    """Return which of these user ids exist."""
    return {doc["_id"] for doc in db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, {"_id": 1})}
