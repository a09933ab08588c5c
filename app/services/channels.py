"""The channels of a file (a CSV zip's channels.csv): each becomes a Rocket.Chat room with
its members, or adds its members to the room of that name that exists.

Run as the `importer_importing_channels` step, after every user exists. Each staged channel
is marked done once its members joined; a takeover does the channels not marked again, and
a channel done twice writes nothing twice (memberships.join is keyed on room and user).
"""

import logging
from dataclasses import dataclass, field

from app.models import rooms, staging, users
from app.services import clock, memberships

log = logging.getLogger(__name__)

MEMBERS_PER_WRITE = 1000  # subscriptions written per round trip for a large channel
UNKNOWN_KEPT = 100  # usernames named in the report, at most


@dataclass
class RoomCounts:
    """What the run did to rooms: created, found (existing joined), subscriptions inserted,
    and the member usernames no user holds."""

    created: int = 0
    existing: int = 0
    joined: int = 0
    unknown: list = field(default_factory=list)
    unknown_count: int = 0

    @classmethod
    def of(cls, saved):
        """Return the counts an operation recorded (a run resumed carries on from them)."""
        saved = saved or {}
        return cls(
            created=saved.get("created", 0),
            existing=saved.get("existing", 0),
            joined=saved.get("joined", 0),
            unknown=list(saved.get("unknownMembers") or []),
            unknown_count=saved.get("unknownMemberCount", 0),
        )

    def as_reported(self):
        """Return the counts as `roomCounts` of the operation holds them."""
        return {
            "created": self.created,
            "existing": self.existing,
            "joined": self.joined,
            "unknownMembers": self.unknown[:UNKNOWN_KEPT],
            "unknownMemberCount": self.unknown_count,
        }

    def add_unknown(self, usernames):
        """Count member usernames no user holds, keeping the first ones named."""
        self.unknown_count += len(usernames)
        room_left = UNKNOWN_KEPT - len(self.unknown)
        self.unknown.extend(usernames[: max(room_left, 0)])


class ChannelImport:
    """Import the staged channels of one run: create or find each room, subscribe its members
    (its creator as owner), and mark it done."""

    def __init__(self, db, operator, counts, touch, progress):
        self.db, self.operator, self.counts = db, operator, counts
        self.touch = touch  # called with room ids before anything is written to them
        self.progress = progress  # called after each write: reports, renews, may stop

    def run(self):
        """Import every staged channel not done yet, in file order."""
        for record in list(staging.pending_channels(self.db)):
            self._channel(record)

    def _channel(self, record):
        data = record["data"]
        names = _member_names(data)
        found = users.members_by_usernames(self.db, names) if names else {}
        creator = found.get(data.get("creator")) or self.operator
        room = self._room(data, creator)
        if room is None:
            return
        self.touch({room["_id"]})
        owner = (room.get("u") or {}).get("_id")
        # The file's room (created by this import, or by a worker it took over from): its
        # members are subscribed as createRoom subscribes them; another room's, as joining.
        own_room = owner == creator["_id"]
        members = [found[name] for name in names if name in found]
        for start in range(0, len(members), MEMBERS_PER_WRITE):
            chunk = members[start : start + MEMBERS_PER_WRITE]
            joined = memberships.join(
                self.db,
                {member["_id"]: [room] for member in chunk},
                owners={(room["_id"], owner)},
                with_room=own_room,
            )
            self.counts.joined += joined.total
            self.progress()
        unknown = [name for name in names if name not in found]
        if unknown:
            log.warning("channel %s: %s members are no user", data.get("name"), len(unknown))
        self.counts.add_unknown(unknown)
        staging.mark_channel_done(self.db, record["_id"])
        self.progress()

    def _room(self, data, creator):
        existing = rooms.find_by_names(self.db, [data["name"]]).get(data["name"])
        if existing is not None:
            self.counts.existing += 1
            return existing
        if creator is None:
            return None  # nobody to own it: the run has no operator (never from a route)
        room, inserted = rooms.insert_if_absent(self.db, new_room(data, creator, clock.now()))
        if inserted:
            self.counts.created += 1
        else:
            self.counts.existing += 1
        return room


def new_room(data, creator, now):
    """Return the room document Rocket.Chat's createRoom writes for a channel of a file."""
    owner = {"_id": creator["_id"], "username": creator.get("username")}
    if creator.get("name"):
        owner["name"] = creator["name"]
    return {
        "_id": memberships.random_id(),
        "fname": data["name"],
        "_updatedAt": now,
        "name": data["name"],
        "t": rooms.PRIVATE if data.get("isPrivate") else rooms.CHANNEL,
        "msgs": 0,
        "usersCount": 0,
        "u": owner,
        "ts": now,
        "ro": False,
    }


def _member_names(data):
    # Rocket.Chat's createRoom adds the creator to the members.
    named = [*(data.get("members") or []), data.get("creator")]
    return list(dict.fromkeys(name for name in named if isinstance(name, str) and name))
