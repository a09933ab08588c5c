"""rocketchat_subscription: one user in one room, as Rocket.Chat keeps it."""

from pymongo import UpdateOne

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


def insert_absent(db, subscriptions):
    """Insert the subscriptions whose (rid, u._id) has none yet, unordered, in one round trip;
    return those inserted."""
    if not subscriptions:
        return []
    updates = [_upsert(subscription) for subscription in subscriptions]
    result = db[COLLECTION].bulk_write(updates, ordered=False)
    return [subscriptions[index] for index in sorted(result.upserted_ids)]


def _upsert(subscription):
    # Keyed on what the unique index keys on: a subscription written again (a batch retried
    # after a takeover) matches and changes nothing. `u` is set field by field: the filter
    # already gives the new document `u._id`.
    user = subscription["u"]
    fields = {key: value for key, value in subscription.items() if key not in ("rid", "u")}
    fields.update({f"u.{key}": value for key, value in user.items() if key != "_id"})
    query = {"rid": subscription["rid"], "u._id": user["_id"]}
    return UpdateOne(query, {"$setOnInsert": fields}, upsert=True)
