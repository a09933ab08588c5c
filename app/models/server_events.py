"""The `rocketchat_server_events` collection: Rocket.Chat's record of login attempts.

Documents have Rocket.Chat's shape, `{_id, t, ts, ip, u: {_id?, username?}, _updatedAt}`,
so that a Rocket.Chat on the same database counts the attempts this service records, and
the other way round.
"""

from bson import ObjectId

COLLECTION = "rocketchat_server_events"
FAILED = "failed-login-attempt"
LOGIN = "login"

# The indexes Rocket.Chat declares on this collection; every count below uses one.
INDEXES = [
    ([("t", 1), ("ip", 1), ("ts", -1)], {}),
    ([("t", 1), ("u.username", 1), ("ts", -1)], {}),
]

_FIELDS = {"ip": "ip", "username": "u.username"}


def insert_failed(db, *, ip, user, now):
    """Record a failed login attempt; return its id (Rocket.Chat's 24-hex string form)."""
    event_id = str(ObjectId())
    document = {"_id": event_id, "t": FAILED, "ts": now, "ip": ip, "u": user, "_updatedAt": now}
    db[COLLECTION].insert_one(document)
    return event_id


def mark_successful(db, event_id, user, now):
    """Turn a recorded attempt into Rocket.Chat's successful `login` event of `user`."""
    update = {"t": LOGIN, "ts": now, "u": user, "_updatedAt": now}
    db[COLLECTION].update_one({"_id": event_id}, {"$set": update})


def delete(db, event_id):
    """Forget a recorded attempt."""
    db[COLLECTION].delete_one({"_id": event_id})


def last_login_at(db, by, value):
    """Return when the last successful login of this ip or username was, or None."""
    query = {"t": LOGIN, _FIELDS[by]: value}
    last = db[COLLECTION].find_one(query, {"ts": 1}, sort=[("ts", -1)])
    return last["ts"] if last else None


def count_failed_since(db, by, value, since):
    """Count the failed attempts of this ip or username at or after `since`."""
    return db[COLLECTION].count_documents({"t": FAILED, _FIELDS[by]: value, "ts": {"$gte": since}})
