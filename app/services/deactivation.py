"""Deactivating and reactivating a user as Rocket.Chat's setUserActiveStatus does: the one
core that a sync, SCIM and the file importers share.

Deactivating refuses the last active admin, the caller's own account, bots and apps (unless
told otherwise), and a user who is the last owner of a room (or the last member of one)
unless the administrator relinquishes: then the room's longest-standing active member
becomes its owner. It sets `active: false`, removes every login token (open sessions end),
archives the direct-message subscriptions of the user's partners and makes those rooms
read-only. Reactivating undoes the last two for partners who are still active.

Where Rocket.Chat, relinquishing, deletes a room (and its messages and files) whose only
member is the deactivated user, the service keeps the room: a deactivation never destroys
a conversation (docs/compatibility.md).
"""

from dataclasses import dataclass, field

from app.models import rooms, subscriptions, users
from app.services import clock

LAST_ADMIN = "error-action-not-allowed"
LAST_OWNER = "user-last-owner"
PROTECTED_TYPES = ("bot", "app")


@dataclass
class RoomHandOver:
    """What deactivating a user means for one room: who becomes owner, if anyone."""

    rid: str
    name: str
    new_owner: str | None  # a member to make owner; None: nobody is left to take it


@dataclass
class Deactivation:
    """A deactivation planned, not yet applied: the user and the rooms it hands over."""

    user: dict
    hand_overs: list = field(default_factory=list)


class Refusal(Exception):
    """Why a user may not be deactivated; `reason` is shown to the administrator as is."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def plan(db, user_id, *, caller_id=None, relinquish=False, protect_types=PROTECTED_TYPES):
    """Return the Deactivation of a user, or raise Refusal with the reason; changes nothing."""
    user = users.find_for_activity(db, user_id)
    if user is None:
        raise Refusal(f"no such user: {user_id}")
    who = user.get("username") or user_id
    if user_id == caller_id:
        raise Refusal(f"{who} is the caller: an administrator does not deactivate themselves")
    if user.get("type") in protect_types:
        raise Refusal(f"{who} is a {user['type']}: never deactivated by an import")
    if user.get("active") and _is_last_admin(db, user):
        raise Refusal(
            f"{LAST_ADMIN}: {who} is the last active admin (Leaving the app without an active"
            " admin is not allowed)"
        )
    hand_overs = _hand_overs(db, user_id) if user.get("username") else []
    if hand_overs and not relinquish:
        named = ", ".join(sorted(h.name for h in hand_overs))
        raise Refusal(
            f"{LAST_OWNER}: {who} is the last owner (or the last member) of {named}:"
            " relinquish to hand the rooms over"
        )
    return Deactivation(user, hand_overs)


def apply(db, deactivation, now=None):
    """Apply a planned Deactivation; idempotent, so a retried or resumed one is harmless."""
    now = now or clock.now()
    for hand_over in deactivation.hand_overs:
        if hand_over.new_owner:
            subscriptions.make_owner(db, hand_over.rid, hand_over.new_owner, now)
    user = deactivation.user
    users.set_active(db, user["_id"], False, now)
    _direct_messages(db, user, archived=True, now=now)


def deactivate(db, user_id, **options):
    """Plan and apply a deactivation at once; raise Refusal when it may not be done."""
    deactivation = plan(db, user_id, **options)
    apply(db, deactivation)
    return deactivation


def reactivate(db, user_id, now=None):
    """Reactivate a user; False when there is no such user."""
    user = users.find_for_activity(db, user_id)
    if user is None:
        return False
    now = now or clock.now()
    users.set_active(db, user_id, True, now)
    _direct_messages(db, user, archived=False, now=now)
    return True


def _is_last_admin(db, user):
    return "admin" in (user.get("roles") or []) and users.count_active_admins(db) <= 1


def _hand_overs(db, user_id):
    """The rooms (direct messages aside) the user is the only owner or the only member of."""
    found = []
    for subscription in subscriptions.rooms_of(db, user_id):
        rid = subscription["rid"]
        owner = subscriptions.OWNER in (subscription.get("roles") or [])
        if owner and subscriptions.count_owners(db, rid) == 1:
            found.append(RoomHandOver(rid, _name(subscription), _successor(db, rid, user_id)))
        elif not owner and subscriptions.count_members(db, rid) == 1:
            found.append(RoomHandOver(rid, _name(subscription), None))
    return found


def _successor(db, room_id, user_id):
    # The member who joined first and is still active, as Rocket.Chat picks the new owner.
    members = [m for m in subscriptions.members_by_seniority(db, room_id) if m != user_id]
    active = users.active_ids(db, members)
    return next((member for member in members if member in active), None)


def _name(subscription):
    return subscription.get("fname") or subscription.get("name") or subscription["rid"]


def _direct_messages(db, user, *, archived, now):
    if user.get("username"):
        subscriptions.archive_direct_messages_with(db, user["username"], archived, now)
    direct = rooms.direct_rooms_of(db, user["_id"])
    if archived:
        rooms.set_direct_read_only(db, [room["_id"] for room in direct], True, now)
        return
    # Writable again only where the other party is active too.
    partners = {uid for room in direct for uid in room.get("uids") or [] if uid != user["_id"]}
    active = users.active_ids(db, partners)
    writable = [r["_id"] for r in direct if any(u in active for u in r.get("uids") or [])]
    rooms.set_direct_read_only(db, writable, False, now)
