"""rocketchat_room: Rocket.Chat's rooms (channels, private groups, direct messages)."""

from pymongo import UpdateOne

COLLECTION = "rocketchat_room"
DIRECT = "d"


def direct_rooms_of(db, user_id):
    """Return the direct-message rooms between this user and one other: _id and uids."""
    query = {"t": DIRECT, "uids": {"$size": 2, "$in": [user_id]}}
    return list(db[COLLECTION].find(query, {"uids": 1}))


def set_direct_read_only(db, room_ids, read_only, now):
    """Make these direct-message rooms read-only, or writable again (reactions off)."""
    if room_ids:
        db[COLLECTION].update_many(
            {"_id": {"$in": list(room_ids)}, "t": DIRECT},
            {"$set": {"ro": read_only, "reactWhenReadOnly": False, "_updatedAt": now}},
        )


CHANNEL, PRIVATE = "c", "p"
# As a Rocket.Chat 7.3.1 server declares them (names and options): the unique room name, the
# default rooms' lookup.
INDEXES = [
    ([("name", 1)], {"unique": True, "sparse": True}),
    ([("default", 1)], {"sparse": True}),
]
_ROOM_PROJECTION = {"_id": 1, "t": 1, "name": 1, "fname": 1, "u": 1, "ts": 1, "usersCount": 1}


def default_rooms(db):
    """Return the channels and private groups every new user joins (`default: true`)."""
    query = {"default": True, "t": {"$in": [CHANNEL, PRIVATE]}}
    return list(db[COLLECTION].find(query, _ROOM_PROJECTION).sort("_id", 1))


def find_by_names(db, names):
    """Return {name: room} for the channels and private groups of these names."""
    if not names:
        return {}
    query = {"name": {"$in": sorted(set(names))}, "t": {"$in": [CHANNEL, PRIVATE]}}
    return {room["name"]: room for room in db[COLLECTION].find(query, _ROOM_PROJECTION)}


def insert_if_absent(db, room):
    """Insert a room unless one of its name exists; return (the stored room, inserted?)."""
    fields = {key: value for key, value in room.items() if key != "name"}
    result = db[COLLECTION].update_one(
        {"name": room["name"]}, {"$setOnInsert": fields}, upsert=True
    )
    stored = db[COLLECTION].find_one({"name": room["name"]}, _ROOM_PROJECTION)
    return stored, result.upserted_id is not None


def add_users_counts(db, counts, now):
    """Add to each room's usersCount: {room id: how many joined}, in one round trip."""
    updates = [
        UpdateOne({"_id": room_id}, {"$inc": {"usersCount": added}, "$set": {"_updatedAt": now}})
        for room_id, added in counts.items()
        if added
    ]
    if updates:
        db[COLLECTION].bulk_write(updates, ordered=False)


def set_users_count(db, room_id, count, now):
    """Set a room's usersCount (recounted from its subscriptions)."""
    db[COLLECTION].update_one({"_id": room_id}, {"$set": {"usersCount": count, "_updatedAt": now}})


def users_counts(db, room_ids):
    """Return {room id: usersCount} of these rooms."""
    found = db[COLLECTION].find({"_id": {"$in": list(room_ids)}}, {"usersCount": 1})
    return {room["_id"]: room.get("usersCount", 0) for room in found}
