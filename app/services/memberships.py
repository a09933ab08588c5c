"""Where imported users land: Rocket.Chat's subscriptions of users to rooms, written in
batches, each exactly once.

A subscription is written once per (room, user): the users a batch cut short had created are
looked up first, and Rocket.Chat's unique (rid, u._id) index refuses a second one. A room's
usersCount is raised by the subscriptions actually inserted, and recounted from its
subscriptions at the end of the run (`recount`), so that a crash between the two writes
leaves no count wrong once the run is done.
"""

import secrets
from collections import Counter
from dataclasses import dataclass, field

from app.models import rooms, subscriptions, users
from app.services import accounts, clock

OWNER_ROLES = [subscriptions.OWNER]
UNKNOWN_ROOM = "unknown room"


def random_id():
    """Return a new 17-character id as Rocket.Chat's Random.id() draws them."""
    return "".join(secrets.choice(accounts.METEOR_ALPHABET) for _ in range(17))


def subscription(room, member, now, owner=False, with_room=False):
    """Return the subscription Rocket.Chat writes when a user joins a room without a message
    (createWithRoomAndUser, as addUserToDefaultChannels and addUserToRoom call it), or, with
    `with_room`, when createRoom subscribes the members of the room it creates."""
    document = {"_id": random_id(), **(_CREATED if with_room else _JOINED)}
    document.update(ts=room.get("ts") if with_room else now, ls=now)
    if with_room and not owner:
        del document["ls"]  # createRoom marks the room seen by its creator only
    document.update(rid=room["_id"], name=room.get("name"))
    if room.get("fname"):
        document["fname"] = room["fname"]
    document.update(t=room["t"], u=_user_of(member))
    if owner:
        document["roles"] = list(OWNER_ROLES)
    document["_updatedAt"] = now
    return document


# addUserToDefaultChannels' and addUserToRoom's extra data; createRoom's (open only, the
# rest createWithRoomAndUser's defaults).
_JOINED = {"open": True, "alert": True, "unread": 1, "userMentions": 1, "groupMentions": 0}
_CREATED = {"open": True, "alert": False, "unread": 0, "userMentions": 0, "groupMentions": 0}


def _user_of(member):
    user = {"_id": member["_id"], "username": member.get("username")}
    if member.get("name"):
        user["name"] = member["name"]
    return user


@dataclass
class Joined:
    """What one write of memberships did: the subscriptions inserted, per room."""

    per_room: dict = field(default_factory=dict)

    @property
    def total(self):
        """Return how many subscriptions were inserted."""
        return sum(self.per_room.values())


def join(db, wanted, owners=(), fresh=None, with_room=False):
    """Subscribe users to rooms: `wanted` is {user id: [room, ...]} (rooms as stored, the
    users existing); `owners` holds (room id, user id) pairs whose subscription is an
    owner's; `fresh` is {user id: user document} of users inserted just now, who can have no
    subscription yet (nobody else is looked up or checked); `with_room`: the members of a
    room created for them (createRoom's subscriptions). Return Joined."""
    now = clock.now()
    fresh = fresh or {}
    members = {uid: fresh[uid] for uid in wanted if uid in fresh}
    members.update(users.members_by_ids(db, [uid for uid in wanted if uid not in fresh]))
    owned = set(owners)
    documents = [
        subscription(
            room, members[user_id], now, (room["_id"], user_id) in owned, with_room=with_room
        )
        for user_id, joined_rooms in wanted.items()
        if user_id in members
        for room in joined_rooms
    ]
    inserted = subscriptions.insert_absent(db, documents, checked=set(members) - set(fresh))
    per_room = Counter(document["rid"] for document in inserted)
    rooms.add_users_counts(db, per_room, now)
    # Every wanted room, even one whose subscription existed: a retried batch may have
    # written the subscription and not `__rooms`. A fresh user was inserted with them.
    rooms_by_user = {uid: [r["_id"] for r in wanted[uid]] for uid in members if uid not in fresh}
    users.add_rooms(db, rooms_by_user)
    return Joined(per_room=dict(per_room))


def recount(db, room_ids):
    """Set each room's usersCount to the number of its subscriptions."""
    now = clock.now()
    for room_id in sorted(room_ids):
        rooms.set_users_count(db, room_id, subscriptions.count_members(db, room_id), now)


class Landing:
    """Where the users one run creates land: the default rooms (when the run joins them) and
    the rooms each record names in `channels`, which must exist."""

    def __init__(self, db, joins_defaults, touch):
        self.db = db
        self.defaults = rooms.default_rooms(db) if joins_defaults else []
        self.touch = touch  # called with room ids before anything is written to them
        self.named = {}
        self.joined = 0  # subscriptions inserted, not yet taken

    def begin_chunk(self, records):
        """Look up, once for a chunk of staged records, the rooms they name."""
        names = {name for record in records for name in _channels_of(record["data"])}
        self.named = rooms.find_by_names(self.db, names)

    def refusal(self, data):
        """Return why a record cannot be imported (a room it names does not exist), or None."""
        unknown = [name for name in _channels_of(data) if name not in self.named]
        return f"{UNKNOWN_ROOM}: {', '.join(unknown)}" if unknown else None

    def rooms_for(self, data):
        """Return the rooms a new user of this staged data joins: the default ones, then
        those it names that exist, each once."""
        named = [self.named[n] for n in _channels_of(data) if n in self.named]
        return list({room["_id"]: room for room in [*self.defaults, *named]}.values())

    def mark(self, document, data):
        """Give a user document about to be inserted the `__rooms` it is about to join: the
        insert writes them, not one more update per user (landed just after)."""
        joined = self.rooms_for(data)
        if joined:
            document["__rooms"] = [room["_id"] for room in joined]
        return document

    def land(self, created, fresh=None):
        """Join the users just created, [(user id, staged data)], to their rooms; `fresh`:
        {user id: document} of those this batch inserted (the others, a batch cut short
        inserted)."""
        wanted = {}
        for user_id, data in created:
            if joined := self.rooms_for(data):
                wanted[user_id] = joined
        if not wanted:
            return
        self.touch({room["_id"] for joined in wanted.values() for room in joined})
        self.joined += join(self.db, wanted, fresh=fresh).total

    def take_joined(self):
        """Return the subscriptions inserted since the last call."""
        joined, self.joined = self.joined, 0
        return joined


def _channels_of(data):
    return [name for name in data.get("channels") or [] if isinstance(name, str) and name]
