"""rocketchat_room and rocketchat_subscription as the memberships write them: each room of a
name once, each subscription of a room and user once, indexes as Rocket.Chat 7.3.1's."""

import pymongo
import pytest

from app.models import rooms, subscriptions, users
from app.services import migrations
from tests.support import factories


def a_subscription(room_id, user_id):
    return {"_id": factories.meteor_id(), "rid": room_id, "u": {"_id": user_id, "username": "x"}}


def test_a_room_of_a_name_is_inserted_once(db):
    first, inserted = rooms.insert_if_absent(db, {"_id": "R1", "name": "sales", "t": "c"})
    again, inserted_again = rooms.insert_if_absent(db, {"_id": "R2", "name": "sales", "t": "c"})
    assert (first["_id"], inserted) == ("R1", True)
    assert (again["_id"], inserted_again) == ("R1", False)
    assert db.rocketchat_room.count_documents({}) == 1


def test_a_checked_user_s_existing_subscription_is_not_written_again(db):
    db.rocketchat_subscription.insert_one(a_subscription("R1", "U1"))
    wanted = [a_subscription("R1", "U1"), a_subscription("R2", "U1"), a_subscription("R1", "U2")]
    inserted = subscriptions.insert_absent(db, wanted, checked={"U1"})
    assert [(s["rid"], s["u"]["_id"]) for s in inserted] == [("R2", "U1"), ("R1", "U2")]
    assert db.rocketchat_subscription.count_documents({"rid": "R1", "u._id": "U1"}) == 1
    assert db.rocketchat_subscription.count_documents({}) == 3


def test_rooms_are_added_to_each_user_s_rooms_once(db):
    db.users.insert_many([{"_id": "U1", "__rooms": ["R1"]}, {"_id": "U2"}, {"_id": "U3"}])
    users.add_rooms(db, {"U1": ["R1", "R2"], "U2": ["R2", "R1"], "U3": ["R3"]})
    found = {u["_id"]: sorted(u["__rooms"]) for u in db.users.find()}
    assert found == {"U1": ["R1", "R2"], "U2": ["R1", "R2"], "U3": ["R3"]}


def test_users_counts_are_added_and_set(db):
    db.rocketchat_room.insert_many([{"_id": "R1", "usersCount": 1}, {"_id": "R2"}])
    rooms.add_users_counts(db, {"R1": 2, "R2": 3}, factories.now())
    assert rooms.users_counts(db, ["R1", "R2"]) == {"R1": 3, "R2": 3}
    rooms.set_users_count(db, "R2", 7, factories.now())
    assert rooms.users_counts(db, ["R2"]) == {"R2": 7}


@pytest.mark.wire
def test_m0022_creates_rocket_chat_s_room_and_subscription_indexes(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        db = client.get_default_database()
        migrations.migrate(db)
        room_indexes = {i["name"]: i for i in db.rocketchat_room.list_indexes()}
        found = {i["name"]: i for i in db.rocketchat_subscription.list_indexes()}
    assert (room_indexes["name_1"]["unique"], room_indexes["name_1"]["sparse"]) == (True, True)
    assert room_indexes["default_1"]["sparse"] is True
    assert dict(found["rid_1_u._id_1"]["key"]) == {"rid": 1, "u._id": 1}
    assert found["rid_1_u._id_1"]["unique"] is True
