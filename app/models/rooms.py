"""rocketchat_room: Rocket.Chat's rooms (channels, private groups, direct messages)."""

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
