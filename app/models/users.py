"""The `users` collection."""

import re

from pymongo import UpdateMany, UpdateOne
from pymongo.errors import AutoReconnect, BulkWriteError, DuplicateKeyError

from app.models.connection import is_embedded, iterate
from app.models.db_errors import DUPLICATE_KEY, TRANSIENT_CODES

COLLECTION = "users"

# Rocket.Chat's own case-insensitive lookups use this collation, and its case-insensitive
# indexes on username and emails.address are declared with it.
CASE_INSENSITIVE = {"locale": "en", "strength": 2, "caseLevel": False}

# Exactly as Rocket.Chat 7.x (and Meteor's accounts) create them, names and options (in
# their order: SecantusDB compares them as written) included: MongoDB refuses an equivalent
# index under another name or with other options, so an index of ours that differs would
# make Rocket.Chat's own start fail. The case-insensitive importIds index is ours, so that
# every collated lookup has an index.
INDEXES = [
    ([("username", 1)], {"unique": True, "sparse": True}),
    ([("emails.address", 1)], {"unique": True, "sparse": True}),
    ([("importIds", 1)], {"sparse": True}),
    ([("services.resume.loginTokens.hashedToken", 1)], {"unique": True, "sparse": True}),
    ([("freeSwitchExtension", 1)], {"sparse": True, "unique": True}),
    (
        [("username", 1)],
        {
            "unique": False,
            "sparse": True,
            "name": "username_insensitive",
            "collation": CASE_INSENSITIVE,
        },
    ),
    (
        [("emails.address", 1)],
        {
            "unique": False,
            "sparse": True,
            "name": "emails.address_insensitive",
            "collation": CASE_INSENSITIVE,
        },
    ),
    ([("importIds", 1)], {"collation": CASE_INSENSITIVE, "name": "bulkimport_importIds_ci"}),
]
# The names older versions gave Rocket.Chat's two case-insensitive indexes (m0016 drops them).
LEGACY_INDEX_NAMES = ("bulkimport_username_ci", "bulkimport_emails_ci")

# What the auth hook needs of the caller; never the services (passwords, tokens).
_AUTH_PROJECTION = {"_id": 1, "username": 1, "roles": 1, "active": 1}
_COMPARED_IGNORING_CASE = ("emails.address", "username")
_IDENTITY_PROJECTION = {"_id": 1, "username": 1, "emails.address": 1, "importIds": 1}


def find_by_hashed_token(db, user_id, hashed_token):
    """Return the user with this id holding this hashed login or personal access token."""
    query = {"_id": user_id, "services.resume.loginTokens.hashedToken": hashed_token}
    return db[COLLECTION].find_one(query, _AUTH_PROJECTION)


def find_holders(db, *, emails, usernames, import_ids):
    """Return users holding any of these emails or usernames, compared case-insensitively,
    or import ids: a superset that the caller narrows down, one indexed query per field."""
    # Not one $or: a server that does not plan an $or as a union of index scans
    # (SecantusDB) reads the whole collection for it, which makes an import quadratic.
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
    if not is_embedded(db):
        query = {field: {"$in": list(values)}}
        return db[COLLECTION].find(query, _IDENTITY_PROJECTION, collation=CASE_INSENSITIVE)
    # mongomock ignores collations: one case-insensitive alternation, so that each user is
    # tested once rather than once per value.
    match = (
        any_of_ignoring_case(values) if field in _COMPARED_IGNORING_CASE else {"$in": list(values)}
    )
    return db[COLLECTION].find({field: match}, _IDENTITY_PROJECTION)


def any_of_ignoring_case(values):
    """Return a regex matching any of these values whole, ignoring case (each escaped)."""
    alternatives = "|".join(re.escape(value) for value in values)
    return re.compile(f"^(?:{alternatives})$", re.IGNORECASE)


def extensions_held(db, extensions):
    """Return which of these VoIP extensions (`freeSwitchExtension`) users already hold."""
    if not extensions:
        return set()
    query = {"freeSwitchExtension": {"$in": list(extensions)}}
    return {user["freeSwitchExtension"] for user in db[COLLECTION].find(query, _EXTENSION)}


_EXTENSION = {"_id": 0, "freeSwitchExtension": 1}


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


# What an import may update of an existing user (never `services`, which it only clears).
UPDATABLE_PROJECTION = dict.fromkeys(
    (
        "username",
        "name",
        "emails",
        "roles",
        "type",
        "active",
        "importIds",
        "statusText",
        "bio",
        "utcOffset",
        "customFields",
        "_pendingAvatarUrl",
    ),
    1,
)


def find_for_update(db, user_ids):
    """Return {id: user} of these users, with the fields an import may update."""
    found = db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, UPDATABLE_PROJECTION)
    return {user["_id"]: user for user in found}


def apply_update(db, user_id, update):
    """Apply an update document to one user; return the field a unique index refused, or
    None when it was applied."""
    try:
        db[COLLECTION].update_one({"_id": user_id}, update)
    except DuplicateKeyError as error:
        return _duplicated_key(error.details or {}) or "emails.address"
    return None


def count_active_admins(db):
    """Count the active users holding the admin role (Rocket.Chat's last-admin rule)."""
    return db[COLLECTION].count_documents({"active": True, "roles": "admin"})


def ids_existing(db, user_ids):
    """Return which of these user ids exist."""
    return {doc["_id"] for doc in db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, {"_id": 1})}


# The user's own fields that login and /me answer (Rocket.Chat's base user fields), in the
# order they are answered: app/schemas/sessions.py builds UserInfoOut from this very list.
PROFILE_FIELDS = (
    "name",
    "username",
    "nickname",
    "emails",
    "status",
    "statusDefault",
    "statusText",
    "statusConnection",
    "bio",
    "avatarOrigin",
    "utcOffset",
    "language",
    "settings",
    "enableAutoAway",
    "idleTimeLimit",
    "roles",
    "active",
    "defaultRoom",
    "customFields",
    "requirePasswordChange",
    "requirePasswordChangeReason",
    "statusLivechat",
    "banners",
    "_updatedAt",
    "avatarETag",
    "openBusinessHours",
)
# What login and /me read: those, and `type` and `services`, which the service layer turns
# into what may be told (never a secret).
_INFO_PROJECTION = dict.fromkeys((*PROFILE_FIELDS, "type", "services"), 1)
LOGIN_TOKENS = "services.resume.loginTokens"


def find_for_login(db, field, value):
    """Return the user whose `username` or `emails.address` is value: the exact spelling
    first, else the only user matching it case-insensitively (as Meteor looks users up)."""
    user = db[COLLECTION].find_one({field: value}, _INFO_PROJECTION)
    if user is not None:
        return user
    if is_embedded(db):  # mongomock ignores collations
        cursor = db[COLLECTION].find({field: any_of_ignoring_case([value])}, _INFO_PROJECTION)
    else:  # served by Rocket.Chat's case-insensitive indexes
        cursor = db[COLLECTION].find({field: value}, _INFO_PROJECTION, collation=CASE_INSENSITIVE)
    candidates = list(cursor.limit(2))
    return candidates[0] if len(candidates) == 1 else None


def find_by_id(db, user_id):
    """Return a user's login-relevant fields by id, or None."""
    return db[COLLECTION].find_one({"_id": user_id}, _INFO_PROJECTION)


def find_by_login_token(db, hashed_token):
    """Return the user holding this hashed token, with its fields and services, or None."""
    return db[COLLECTION].find_one({f"{LOGIN_TOKENS}.hashedToken": hashed_token}, _INFO_PROJECTION)


def add_login_token(db, user_id, stored_token, now):
    """Keep a new (hashed) login token for the user and note when they logged in."""
    db[COLLECTION].update_one(
        {"_id": user_id},
        {"$push": {LOGIN_TOKENS: stored_token}, "$set": {"lastLogin": now, "_updatedAt": now}},
    )


def note_login(db, user_id, now):
    """Note that the user logged in (with a token they already hold)."""
    db[COLLECTION].update_one({"_id": user_id}, {"$set": {"lastLogin": now, "_updatedAt": now}})


def remove_login_token(db, user_id, hashed_token, now):
    """Drop one of the user's tokens, whichever kind it is."""
    db[COLLECTION].update_one(
        {"_id": user_id},
        {"$pull": {LOGIN_TOKENS: {"hashedToken": hashed_token}}, "$set": {"_updatedAt": now}},
    )


def find_by_username_or_id(db, who):
    """Return the user whose username is who (exactly), else whose _id is who, or None."""
    projection = {"_id": 1, "username": 1, "roles": 1}
    return db[COLLECTION].find_one({"username": who}, projection) or db[COLLECTION].find_one(
        {"_id": who}, projection
    )


def add_personal_token(db, user_id, stored_token, now):
    """Keep a personal access token unless the user has one of that name; tell if kept."""
    result = db[COLLECTION].update_one(
        {"_id": user_id, f"{LOGIN_TOKENS}.name": {"$ne": stored_token["name"]}},
        {"$push": {LOGIN_TOKENS: stored_token}, "$set": {"_updatedAt": now}},
    )
    return result.modified_count == 1


# What an invitation needs of a person: never the password hash or the login tokens.
_INVITEE_PROJECTION = {"username": 1, "name": 1, "emails": 1, "lastLogin": 1, "active": 1}
ENROLL = "services.password.enroll"


def imported_between(db, start, end, usernames=None):
    """Return the users carrying import ids created from `start` to before `end` (None: now),
    only those of these usernames when given."""
    created = {"$gte": start} if end is None else {"$gte": start, "$lt": end}
    query = {"importIds": {"$exists": True}, "createdAt": created}
    if usernames is not None:
        query["username"] = {"$in": list(usernames)}
    return list(iterate(db[COLLECTION].find(query, _INVITEE_PROJECTION)))


def invitees(db, user_ids):
    """Return {id: user} of these users, with their enrollment token record if any."""
    projection = {**_INVITEE_PROJECTION, ENROLL: 1}
    found = db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, projection)
    return {user["_id"]: user for user in found}


def set_enroll_tokens(db, records):
    """Store each user's enrollment token record, {user id: record}, as Meteor stores it."""
    if records:
        writes = [UpdateOne({"_id": i}, {"$set": {ENROLL: r}}) for i, r in records.items()]
        db[COLLECTION].bulk_write(writes, ordered=False)


def find_for_activity(db, user_id):
    """Return a user with what (de)activating it depends on, or None."""
    fields = {"username": 1, "name": 1, "roles": 1, "active": 1, "type": 1, "importIds": 1}
    return db[COLLECTION].find_one({"_id": user_id}, fields)


def active_ids(db, user_ids):
    """Return which of these users exist and are active."""
    query = {"_id": {"$in": list(user_ids)}, "active": True}
    return {doc["_id"] for doc in db[COLLECTION].find(query, {"_id": 1})}


def set_active(db, user_id, active, now):
    """Activate or deactivate a user as Rocket.Chat does: a deactivated user loses every
    login token (open sessions end); a reactivated one loses its deactivation `reason`."""
    if active:
        update = {"$set": {"active": True, "_updatedAt": now}, "$unset": {"reason": ""}}
    else:
        update = {"$set": {"active": False, "services.resume.loginTokens": [], "_updatedAt": now}}
    db[COLLECTION].update_one({"_id": user_id}, update)


_MEMBER_PROJECTION = {"_id": 1, "username": 1, "name": 1}


def members_by_ids(db, user_ids):
    """Return {id: {_id, username, name}} of these users (what a subscription names)."""
    found = db[COLLECTION].find({"_id": {"$in": list(user_ids)}}, _MEMBER_PROJECTION)
    return {user["_id"]: user for user in found}


def members_by_usernames(db, usernames):
    """Return {username: {_id, username, name}} of the users of these exact usernames."""
    query = {"username": {"$in": sorted(set(usernames))}}
    return {user["username"]: user for user in db[COLLECTION].find(query, _MEMBER_PROJECTION)}


def add_rooms(db, rooms_by_user):
    """Add room ids to users' `__rooms`: {user id: [room id, ...]}; one update per distinct
    list of rooms (all the users of a batch joining the default rooms: one), unordered."""
    users_by_rooms = {}
    for user_id, room_ids in rooms_by_user.items():
        if room_ids:
            users_by_rooms.setdefault(tuple(sorted(room_ids)), []).append(user_id)
    updates = [
        UpdateMany({"_id": {"$in": user_ids}}, {"$addToSet": {"__rooms": {"$each": list(rooms)}}})
        for rooms, user_ids in users_by_rooms.items()
    ]
    if updates:
        db[COLLECTION].bulk_write(updates, ordered=False)
