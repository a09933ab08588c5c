"""Deactivation as Rocket.Chat's setUserActiveStatus does it: the core a sync and SCIM share."""

import datetime

import pytest

from app.services import deactivation
from app.services.deactivation import Refusal
from tests.support import factories

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def room(db, rid, name, t="c"):
    db.rocketchat_room.insert_one({"_id": rid, "t": t, "name": name, "usersCount": 0})


def join(db, rid, user, *, roles=None, t="c", name=None, minutes=0):
    """Subscribe a user to a room, `minutes` after T0 (members are ordered by when they joined)."""
    subscription = {
        "_id": f"{rid}-{user['_id']}",
        "rid": rid,
        "t": t,
        "name": name or rid,
        "u": {"_id": user["_id"], "username": user["username"]},
        "ts": T0 + datetime.timedelta(minutes=minutes),
        "open": True,
    }
    if roles:
        subscription["roles"] = list(roles)
    db.rocketchat_subscription.insert_one(subscription)


def direct(db, a, b):
    """A direct-message room between a and b, with each one's subscription."""
    rid = f"{a['_id']}{b['_id']}"
    db.rocketchat_room.insert_one({"_id": rid, "t": "d", "uids": [a["_id"], b["_id"]]})
    join(db, rid, a, t="d", name=b["username"])
    join(db, rid, b, t="d", name=a["username"])
    return rid


def user(db, username, **fields):
    return factories.insert_user(db, username=username, **fields)[0]


@pytest.fixture
def admin(db):
    return user(db, "admin", roles=("admin", "user"))


def stored(db, who):
    return db.users.find_one({"_id": who["_id"]})


def test_a_deactivated_user_is_inactive_signed_out_and_its_direct_messages_archived(db, admin):
    ann, bob = user(db, "ann"), user(db, "bob")
    rid = direct(db, ann, bob)
    deactivation.deactivate(db, ann["_id"], caller_id=admin["_id"])
    after = stored(db, ann)
    assert after["active"] is False
    assert after["services"]["resume"]["loginTokens"] == []
    # Bob's subscription to the conversation with Ann (named after her) is archived.
    bobs = db.rocketchat_subscription.find_one({"rid": rid, "u._id": bob["_id"]})
    assert bobs["archived"] is True
    assert db.rocketchat_room.find_one({"_id": rid})["ro"] is True


def test_deactivating_twice_changes_nothing_more(db, admin):
    ann = user(db, "ann")
    deactivation.deactivate(db, ann["_id"])
    first = stored(db, ann)
    deactivation.deactivate(db, ann["_id"])
    assert {k: v for k, v in stored(db, ann).items() if k != "_updatedAt"} == {
        k: v for k, v in first.items() if k != "_updatedAt"
    }


def test_the_last_active_admin_is_refused_and_left_as_is(db, admin):
    with pytest.raises(Refusal, match="error-action-not-allowed: admin is the last active admin"):
        deactivation.deactivate(db, admin["_id"])
    assert stored(db, admin)["active"] is True


def test_an_admin_among_others_may_go(db, admin):
    other = user(db, "second", roles=("admin",))
    deactivation.deactivate(db, other["_id"])
    assert stored(db, other)["active"] is False


def test_the_caller_never_deactivates_themselves(db, admin):
    ann = user(db, "ann", roles=("admin",))
    with pytest.raises(Refusal, match="ann is the caller"):
        deactivation.deactivate(db, ann["_id"], caller_id=ann["_id"])


@pytest.mark.parametrize("kind", ["bot", "app"])
def test_bots_and_apps_are_never_deactivated(db, admin, kind):
    helper = user(db, "helper", type=kind)
    with pytest.raises(Refusal, match=f"helper is a {kind}"):
        deactivation.deactivate(db, helper["_id"])
    assert stored(db, helper)["active"] is True


def test_the_last_owner_of_a_room_is_refused_with_the_room_named(db, admin):
    ann, bob = user(db, "ann"), user(db, "bob")
    room(db, "r1", "engineering")
    join(db, "r1", ann, roles=["owner"], name="engineering")
    join(db, "r1", bob, name="engineering", minutes=1)
    with pytest.raises(Refusal, match="user-last-owner: ann is the last owner .* of engineering"):
        deactivation.deactivate(db, ann["_id"])
    assert stored(db, ann)["active"] is True


def test_relinquishing_hands_the_room_to_the_longest_standing_active_member(db, admin):
    ann, gone, bob, cy = user(db, "ann"), user(db, "gone"), user(db, "bob"), user(db, "cy")
    db.users.update_one({"_id": gone["_id"]}, {"$set": {"active": False}})
    room(db, "r1", "engineering")
    join(db, "r1", ann, roles=["owner"])
    join(db, "r1", gone, minutes=1)  # joined first, but inactive: passed over
    join(db, "r1", bob, minutes=2)
    join(db, "r1", cy, minutes=3)
    deactivation.deactivate(db, ann["_id"], relinquish=True)
    owners = [s["u"]["username"] for s in db.rocketchat_subscription.find({"roles": "owner"})]
    assert owners == ["ann", "bob"]  # ann keeps her (now inactive) subscription, as Rocket.Chat
    assert stored(db, ann)["active"] is False


def test_a_room_with_another_owner_needs_no_hand_over(db, admin):
    ann, bob = user(db, "ann"), user(db, "bob")
    room(db, "r1", "engineering")
    join(db, "r1", ann, roles=["owner"])
    join(db, "r1", bob, roles=["owner"], minutes=1)
    assert deactivation.plan(db, ann["_id"]).hand_overs == []


def test_the_only_member_of_a_room_is_refused_then_the_room_is_kept_when_relinquished(db, admin):
    ann = user(db, "ann")
    room(db, "r1", "notes")
    join(db, "r1", ann, name="notes")
    with pytest.raises(Refusal, match="of notes"):
        deactivation.deactivate(db, ann["_id"])
    deactivation.deactivate(db, ann["_id"], relinquish=True)
    # Rocket.Chat would erase the room and its messages; a deactivation here never does.
    assert db.rocketchat_room.count_documents({"_id": "r1"}) == 1
    assert stored(db, ann)["active"] is False


def test_a_plan_changes_nothing(db, admin):
    ann, bob = user(db, "ann"), user(db, "bob")
    direct(db, ann, bob)
    before = list(db.users.find()), list(db.rocketchat_subscription.find())
    deactivation.plan(db, ann["_id"])
    assert (list(db.users.find()), list(db.rocketchat_subscription.find())) == before


def test_reactivating_restores_the_conversations_with_active_partners_only(db, admin):
    ann, bob, cy = user(db, "ann"), user(db, "bob"), user(db, "cy")
    with_bob, with_cy = direct(db, ann, bob), direct(db, ann, cy)
    deactivation.deactivate(db, ann["_id"])
    deactivation.deactivate(db, cy["_id"])
    db.users.update_one({"_id": ann["_id"]}, {"$set": {"reason": "left"}})
    assert deactivation.reactivate(db, ann["_id"]) is True
    after = stored(db, ann)
    assert after["active"] is True and "reason" not in after
    assert db.rocketchat_room.find_one({"_id": with_bob})["ro"] is False
    assert db.rocketchat_room.find_one({"_id": with_cy})["ro"] is True  # cy is still inactive


def test_an_unknown_user_is_refused(db):
    with pytest.raises(Refusal, match="no such user: nobody"):
        deactivation.deactivate(db, "nobody")
    assert deactivation.reactivate(db, "nobody") is False
