"""What a test checks of rooms after an import: members, owners, counts."""

from collections import Counter


def members(db, name):
    """Return the usernames subscribed to the room of this name, sorted."""
    room = db.rocketchat_room.find_one({"name": name})
    return sorted(s["u"]["username"] for s in db.rocketchat_subscription.find({"rid": room["_id"]}))


def owners(db, name):
    """Return the usernames holding the owner role in the room of this name, sorted."""
    room = db.rocketchat_room.find_one({"name": name})
    found = db.rocketchat_subscription.find({"rid": room["_id"], "roles": "owner"})
    return sorted(s["u"]["username"] for s in found)


def counts_are_exact(db):
    """Return the rooms whose usersCount differs from their subscriptions: {name: (count,
    subscriptions)}; empty when every count is exact."""
    subscribed = Counter(s["rid"] for s in db.rocketchat_subscription.find({}, {"rid": 1}))
    return {
        room["name"]: (room.get("usersCount"), subscribed[room["_id"]])
        for room in db.rocketchat_room.find()
        if room.get("usersCount") != subscribed[room["_id"]]
    }


def duplicated_subscriptions(db):
    """Return the (rid, user id) pairs subscribed more than once."""
    pairs = Counter((s["rid"], s["u"]["_id"]) for s in db.rocketchat_subscription.find())
    return [pair for pair, count in pairs.items() if count > 1]


def rooms_of(db, username):
    """Return the names of the rooms in a user's `__rooms`, sorted."""
    user = db.users.find_one({"username": username})
    found = db.rocketchat_room.find({"_id": {"$in": user.get("__rooms") or []}}, {"name": 1})
    return sorted(room["name"] for room in found)
