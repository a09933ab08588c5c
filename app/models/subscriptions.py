"""rocketchat_subscription: one user in one room, as Rocket.Chat keeps it."""

from pymongo.errors import BulkWriteError

from app.models.db_errors import DUPLICATE_KEY

COLLECTION = "rocketchat_subscription"
DIRECT = "d"
OWNER = "owner"
# As a Rocket.Chat 7.3.1 server declares them: one subscription per user and room.
INDEXES = [
    ([("rid", 1), ("u._id", 1)], {"unique": True}),
]


def rooms_of(db, user_id):
    """Return the user's subscriptions to rooms other than direct messages: rid, t, roles."""
    query = {"u._id": user_id, "t": {"$ne": DIRECT}}
    return list(db[COLLECTION].find(query, {"rid": 1, "t": 1, "name": 1, "fname": 1, "roles": 1}))


def count_owners(db, room_id):
    """Count the subscriptions of a room holding the owner role."""
    return db[COLLECTION].count_documents({"rid": room_id, "roles": OWNER})


def count_members(db, room_id):
    """Count the subscriptions of a room."""
    return db[COLLECTION].count_documents({"rid": room_id})


def members_by_seniority(db, room_id):
    """Return the user ids subscribed to a room, those who joined first first."""
    found = db[COLLECTION].find({"rid": room_id}, {"u._id": 1}).sort("ts", 1)
    return [subscription["u"]["_id"] for subscription in found]


def make_owner(db, room_id, user_id, now):
    """Give one member of a room the owner role (Rocket.Chat's addUserRoles in a room)."""
    db[COLLECTION].update_one(
        {"rid": room_id, "u._id": user_id},
        {"$addToSet": {"roles": OWNER}, "$set": {"_updatedAt": now}},
    )


def archive_direct_messages_with(db, username, archived, now):
    """Archive (or restore) the direct-message subscriptions whose other party is username."""
    db[COLLECTION].update_many(
        {"t": DIRECT, "name": username},
        {"$set": {"archived": archived, "_updatedAt": now}},
    )


def insert_absent(db, subscriptions, checked):
    """Insert the subscriptions whose (rid, u._id) has none yet, unordered; return those
    inserted. Only the users in `checked` may have one already: theirs are read first."""
    if not subscriptions:
        return []
    existing = _existing_pairs(db, [s for s in subscriptions if s["u"]["_id"] in checked])
    absent = [s for s in subscriptions if (s["rid"], s["u"]["_id"]) not in existing]
    if not absent:
        return []
    try:
        db[COLLECTION].insert_many(absent, ordered=False)
    except BulkWriteError as error:
        # A concurrent writer (Rocket.Chat, or a worker that lost its lease) subscribed the
        # same user meanwhile: the unique (rid, u._id) index refused ours, which is right.
        errors = error.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        refused = {e["index"] for e in errors}
        return [s for index, s in enumerate(absent) if index not in refused]
    return absent


def _existing_pairs(db, subscriptions):
    user_ids = {}
    for subscription in subscriptions:
        user_ids.setdefault(subscription["rid"], set()).add(subscription["u"]["_id"])
    existing = set()
    for room_id, users in user_ids.items():
        # One room at a time: the (rid, u._id) index serves each lookup.
        query = {"rid": room_id, "u._id": {"$in": sorted(users)}}
        found = db[COLLECTION].find(query, {"_id": 0, "u._id": 1})
        existing.update((room_id, s["u"]["_id"]) for s in found)
    return existing
