"""Plain functions that insert Rocket.Chat-shaped documents, as Rocket.Chat itself writes them."""

import secrets
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.services.tokens import hash_token

METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
DEFAULT_PERMISSIONS = {
    "run-import": ["admin"],
    "view-import-operations": ["admin"],
    "api-bypass-rate-limit": ["admin", "bot", "app"],
}
ROLES = ("admin", "user", "bot", "app", "guest", "moderator")


def now():
    """Return the current time as MongoDB keeps it: naive UTC, millisecond precision."""
    value = datetime.now(UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def expired_lease(worker="dead"):
    """A lease its worker let lapse a minute ago (not "now": a claim in the same millisecond
    as the operation's `ts` would still see that lease as alive)."""
    return {"worker": worker, "expiresAt": now() - timedelta(minutes=1)}


def meteor_id():
    """Return a random 17-character Meteor id."""
    return "".join(secrets.choice(METEOR_ALPHABET) for _ in range(17))


def insert_user(db, *, roles=("user",), username=None, token=None, pat=False, **fields):
    """Insert a user holding one login token (or personal access token); return (user, token)."""
    token = token or secrets.token_urlsafe(32)
    stored = {"hashedToken": hash_token(token)}
    if pat:
        stored.update(type="personalAccessToken", name="ci", createdAt=now(), bypassTwoFactor=True)
        stored["lastTokenPart"] = token[-6:]
    else:
        stored["when"] = now()
    user_id = meteor_id()
    user = {
        "_id": user_id,
        "createdAt": now(),
        "_updatedAt": now(),
        "type": "user",
        "username": username or f"user-{user_id.lower()}",
        "emails": [{"address": f"{user_id.lower()}@example.com", "verified": True}],
        "active": True,
        "roles": list(roles),
        "services": {"resume": {"loginTokens": [stored]}},
        **fields,
    }
    db.users.insert_one(user)
    return user, token


def insert_permissions(db, permissions=None):
    """Write Rocket.Chat's permission documents (all of ours by default)."""
    for permission, roles in (permissions or DEFAULT_PERMISSIONS).items():
        db.rocketchat_permissions.replace_one(
            {"_id": permission},
            {"_id": permission, "roles": list(roles), "_updatedAt": now()},
            upsert=True,
        )


def insert_roles(db, roles=ROLES):
    """Write role documents as Rocket.Chat ships them."""
    for role in roles:
        db.rocketchat_roles.replace_one(
            {"_id": role},
            {
                "_id": role,
                "name": role,
                "scope": "Users",
                "description": "",
                "protected": True,
                "mandatory2fa": False,
                "_updatedAt": now(),
            },
            upsert=True,
        )


def insert_operation(db, *, age_seconds=0, **fields):
    """Insert an API import operation; `age_seconds` moves its ts and _updatedAt back."""
    when = now() - timedelta(seconds=age_seconds)
    operation = {
        "_id": str(ObjectId()),
        "type": "api",
        "importerKey": "api",
        "ts": when,
        "status": "importer_new",
        "valid": True,
        "user": meteor_id(),
        "_updatedAt": when,
        **fields,
    }
    db.rocketchat_import.insert_one(operation)
    return operation


def create_rocketchat_user_indexes(db):
    """Create the `users` indexes Rocket.Chat declares that matter to imports."""
    case_insensitive = {"locale": "en", "strength": 2}
    db.users.create_index("username", unique=True, sparse=True)
    db.users.create_index("emails.address", unique=True, sparse=True)
    db.users.create_index("importIds", sparse=True)
    db.users.create_index(
        [("username", 1)], name="username_insensitive", collation=case_insensitive
    )
    db.users.create_index(
        [("emails.address", 1)], name="emails_insensitive", collation=case_insensitive
    )


def snapshot(db):
    """Every document of every collection, to show that a refused call changed nothing."""
    return {
        name: list(db[name].find().sort("_id", 1)) for name in sorted(db.list_collection_names())
    }


def directory_entry(n, **fields):
    """The n-th person of an administrator's directory list, as a sync stages them."""
    return {
        "username": f"u{n}",
        "emails": [f"u{n}@example.com"],
        "importIds": [f"i{n}"],
        "name": f"User {n}",
        **fields,
    }


def person(n, **fields):
    """The n-th user as import.addUsers takes it: username, email, import id, password."""
    return {
        "username": f"p{n}",
        "emails": [f"p{n}@example.com"],
        "importIds": [f"i{n}"],
        "password": f"pw{n}",
        **fields,
    }


def insert_room(db, name, *, t="c", default=False, owner=None, room_id=None, **fields):
    """Insert a room as Rocket.Chat 7.3.1 keeps one (`#general`: _id GENERAL, default); with
    `owner` (a user), subscribe the owner as Rocket.Chat's createRoom does. Return the room."""
    created = now()
    room = {
        "_id": room_id or meteor_id(),
        "fname": name,
        "_updatedAt": created,
        "name": name,
        "t": t,
        "msgs": 0,
        "usersCount": 0,
        "u": {"_id": owner["_id"], "username": owner["username"]} if owner else None,
        "ts": created,
        "ro": False,
        "default": default,
        "sysMes": True,
        **fields,
    }
    db.rocketchat_room.insert_one(room)
    if owner:
        db.rocketchat_subscription.insert_one(
            {
                "_id": meteor_id(),
                "open": True,
                "alert": False,
                "unread": 0,
                "userMentions": 0,
                "groupMentions": 0,
                "ts": created,
                "ls": created,
                "rid": room["_id"],
                "name": name,
                "fname": name,
                "t": t,
                "u": {"_id": owner["_id"], "username": owner["username"]},
                "roles": ["owner"],
                "_updatedAt": created,
            }
        )
        db.rocketchat_room.update_one({"_id": room["_id"]}, {"$inc": {"usersCount": 1}})
        db.users.update_one({"_id": owner["_id"]}, {"$addToSet": {"__rooms": room["_id"]}})
    return room
