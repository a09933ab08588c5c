"""Where imported users land: default channels, a CSV zip's channels.csv, a channel list per
user (import.addUsers), as Rocket.Chat's rooms and subscriptions."""

from datetime import datetime

import pytest

from app.extensions.db import get_db
from tests.support import factories, importfiles
from tests.support.apps import Caller, make_app, make_worker
from tests.support.fileroutes import status, upload_json
from tests.support.rooms import (
    counts_are_exact,
    duplicated_subscriptions,
    members,
    owners,
    rooms_of,
)

USERS = [f"user{n}" for n in range(5)]
CHANNELS = b"sales,user0,public,user1;user2\nsecret,user3,private,user4; ghost\n"


def a_zip(channels=CHANNELS):
    return importfiles.zip_of({"users.csv": importfiles.users_csv(5), "channels.csv": channels})


@pytest.fixture
def general(db, admin):
    """Rocket.Chat's #general, the admin its only member."""
    return factories.insert_room(db, "general", room_id="GENERAL", default=True, owner=admin.user)


def import_file(admin, worker, content, selection=None):
    assert upload_json(admin, content).status_code == 200
    worker.run_pending()
    assert status(admin)["state"] == "ready"
    body = {"input": selection or {"users": {"all": True}, "channels": {"all": True}}}
    assert admin.post("startImport", json=body).status_code == 200
    worker.run_pending()
    done = status(admin)
    assert done["state"] == "done"
    return done["operation"]


def test_a_csv_zip_lands_every_new_user_in_general_and_in_their_channels(
    admin, db, worker, general
):
    operation = import_file(admin, worker, a_zip())
    assert members(db, "general") == sorted(["admin", *USERS])
    assert members(db, "sales") == ["user0", "user1", "user2"]
    assert members(db, "secret") == ["user3", "user4"]  # ghost is no user: not invented
    assert owners(db, "sales") == ["user0"]
    assert owners(db, "secret") == ["user3"]
    assert owners(db, "general") == ["admin"]
    assert counts_are_exact(db) == {}
    assert db.rocketchat_room.find_one({"_id": "GENERAL"})["usersCount"] == 6
    assert rooms_of(db, "user0") == ["general", "sales"]
    assert rooms_of(db, "user4") == ["general", "secret"]
    assert operation["roomCounts"] == {
        "created": 2,
        "existing": 0,
        "joined": 5 + 3 + 2,
        "unknownMembers": ["ghost"],
        "unknownMemberCount": 1,
    }
    assert operation["notImported"] == ["messages"]


def test_the_rooms_are_shaped_as_rocket_chat_creates_them(admin, db, worker, general):
    import_file(admin, worker, a_zip())
    user0 = db.users.find_one({"username": "user0"})
    sales = db.rocketchat_room.find_one({"name": "sales"})
    assert set(sales) == {"_id", "fname", "_updatedAt", "name", "t", "msgs", "usersCount"} | {
        "u",
        "ts",
        "ro",
    }
    assert len(sales["_id"]) == 17
    assert (sales["t"], sales["fname"], sales["msgs"], sales["ro"]) == ("c", "sales", 0, False)
    assert sales["u"] == {"_id": user0["_id"], "username": "user0", "name": "User 0"}
    assert isinstance(sales["ts"], datetime)
    assert db.rocketchat_room.find_one({"name": "secret"})["t"] == "p"


def test_a_default_channel_subscription_is_rocket_chat_s_field_by_field(admin, db, worker, general):
    import_file(admin, worker, a_zip())
    user1 = db.users.find_one({"username": "user1"})
    found = db.rocketchat_subscription.find_one({"rid": "GENERAL", "u._id": user1["_id"]})
    assert set(found) == {
        "_id",
        "open",
        "alert",
        "unread",
        "userMentions",
        "groupMentions",
        "ts",
        "ls",
        "rid",
        "name",
        "fname",
        "t",
        "u",
        "_updatedAt",
    }
    assert isinstance(found["_id"], str) and len(found["_id"]) == 17
    # addUserToDefaultChannels' extra data on createWithRoomAndUser, silenced (no `uj`).
    assert (found["open"], found["alert"]) == (True, True)
    assert (found["unread"], found["userMentions"], found["groupMentions"]) == (1, 1, 0)
    assert (found["rid"], found["name"], found["fname"], found["t"]) == (
        "GENERAL",
        "general",
        "general",
        "c",
    )
    assert found["u"] == {"_id": user1["_id"], "username": "user1", "name": "User 1"}
    for date in ("ts", "ls", "_updatedAt"):
        assert isinstance(found[date], datetime)
    assert "roles" not in found
    creator = db.rocketchat_subscription.find_one({"name": "sales", "u.username": "user0"})
    assert creator["roles"] == ["owner"]
    assert db.rocketchat_message.count_documents({}) == 0


def test_importing_the_same_file_again_adds_nothing_twice(admin, db, worker, general):
    import_file(admin, worker, a_zip())
    before = sorted((s["rid"], s["u"]["_id"]) for s in db.rocketchat_subscription.find())
    again = import_file(admin, worker, a_zip())
    after = sorted((s["rid"], s["u"]["_id"]) for s in db.rocketchat_subscription.find())
    assert after == before
    assert duplicated_subscriptions(db) == []
    assert counts_are_exact(db) == {}
    assert db.rocketchat_room.count_documents({"name": "sales"}) == 1
    assert (again["roomCounts"]["created"], again["roomCounts"]["joined"]) == (0, 0)
    assert again["roomCounts"]["existing"] == 2


def test_an_existing_room_of_the_name_gets_the_members_and_keeps_its_owner(
    admin, db, worker, general
):
    factories.insert_room(db, "sales", owner=admin.user)
    operation = import_file(admin, worker, a_zip())
    assert members(db, "sales") == ["admin", "user0", "user1", "user2"]
    assert owners(db, "sales") == ["admin"]
    assert counts_are_exact(db) == {}
    assert (operation["roomCounts"]["created"], operation["roomCounts"]["existing"]) == (1, 1)


def test_channels_left_out_of_the_selection_are_not_created(admin, db, worker, general):
    selection = {"users": {"all": True}, "channels": {"list": ["secret"]}}
    import_file(admin, worker, a_zip(), selection)
    assert db.rocketchat_room.find_one({"name": "sales"}) is None
    assert members(db, "secret") == ["user3", "user4"]


def test_the_selection_shows_each_channel_with_its_member_count(admin, worker):
    assert upload_json(admin, a_zip()).status_code == 200
    worker.run_pending()
    channels = admin.get("getImportFileData").json["channels"]
    assert [(c["name"], c["memberCount"], c["do_import"]) for c in channels] == [
        ("sales", 2, True),
        ("secret", 2, True),
    ]


def test_without_a_default_room_new_users_join_only_their_channels(admin, db, worker):
    import_file(admin, worker, a_zip())
    assert rooms_of(db, "user1") == ["sales"]
    assert rooms_of(db, "user0") == ["sales"]
    assert counts_are_exact(db) == {}


def api_import(caller, users):
    assert caller.post("import.new").status_code == 200
    added = caller.post("import.addUsers", json={"users": users})
    assert added.status_code == 200, added.json
    assert caller.post("import.run").status_code == 200


def person(n, **fields):
    return {"username": f"p{n}", "emails": [f"p{n}@example.com"], "importIds": [f"p{n}"], **fields}


def test_the_api_importer_joins_each_user_to_the_rooms_it_names(admin, db, worker, general):
    factories.insert_room(db, "support", owner=admin.user)
    factories.insert_room(db, "ops", t="p", owner=admin.user)
    api_import(admin, [person(1, channels=["support", "ops"]), person(2, channels=["support"])])
    worker.run_pending()
    assert members(db, "support") == ["admin", "p1", "p2"]
    assert members(db, "ops") == ["admin", "p1"]
    # Rocket.Chat's API importer joins nobody to the default channels.
    assert members(db, "general") == ["admin"]
    assert rooms_of(db, "p1") == ["ops", "support"]
    assert counts_are_exact(db) == {}


def test_an_unknown_room_is_the_record_s_failure_reason(admin, db, worker, general):
    factories.insert_room(db, "support", owner=admin.user)
    api_import(admin, [person(1, channels=["support", "nowhere"]), person(2, channels=["support"])])
    worker.run_pending()
    assert db.users.find_one({"username": "p1"}) is None
    assert members(db, "support") == ["admin", "p2"]
    errors = admin.get("import.errors").json
    failed = [(e["data"]["username"], e["errors"][0]["message"]) for e in errors["users"]]
    assert failed == [("p1", "unknown room: nowhere")]
    assert errors["users"][0]["data"]["channels"] == ["support", "nowhere"]
    assert counts_are_exact(db) == {}


def test_a_setting_makes_the_api_importer_join_the_default_channels(general_with_setting):
    caller, db, worker = general_with_setting
    api_import(caller, [person(1), person(2)])
    worker.run_pending()
    assert members(db, "general") == ["admin", "p1", "p2"]
    assert counts_are_exact(db) == {}


@pytest.fixture
def general_with_setting():
    app = make_app(IMPORT_API_DEFAULT_CHANNELS=True)
    with app.app_context():
        db = get_db()
        factories.insert_permissions(db)
        factories.insert_roles(db)
        user, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
        factories.insert_room(db, "general", room_id="GENERAL", default=True, owner=user)
        worker = make_worker(db, worker_id="w", IMPORT_API_DEFAULT_CHANNELS=True)
        yield Caller(app.test_client(), user, token), db, worker
        worker.stop()


def test_a_slack_member_list_joins_its_new_users_to_the_default_channels(
    admin, db, worker, general
):
    assert (
        upload_json(admin, importfiles.slack_csv(rows=3), "slack-users", "members.csv").status_code
        == 200
    )
    worker.run_pending()
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    worker.run_pending()
    assert status(admin)["state"] == "done"
    created = sorted(u["username"] for u in db.users.find({"importIds": {"$exists": True}}))
    assert len(created) == 3
    assert members(db, "general") == sorted(["admin", *created])
    assert counts_are_exact(db) == {}


def test_a_channel_whose_creator_is_nobody_is_owned_by_who_started_the_import(
    admin, db, worker, general
):
    operation = import_file(admin, worker, a_zip(b"lost,nobody,public,user1\n"))
    room = db.rocketchat_room.find_one({"name": "lost"})
    assert room["u"]["_id"] == admin.user["_id"]
    assert members(db, "lost") == ["user1"]
    assert operation["roomCounts"]["unknownMembers"] == ["nobody"]


def test_the_6_x_selection_leaves_out_the_channels_marked_so(admin, db, worker, general):
    assert upload_json(admin, a_zip()).status_code == 200
    worker.run_pending()
    data = admin.get("getImportFileData").json
    channels = [{**c, "do_import": c["name"] == "sales"} for c in data["channels"]]
    selection = {"users": data["users"], "channels": channels}
    assert admin.post("startImport", json={"input": selection}).status_code == 200
    worker.run_pending()
    assert members(db, "sales") == ["user0", "user1", "user2"]
    assert db.rocketchat_room.find_one({"name": "secret"}) is None


def test_a_cancelled_run_leaves_the_counts_of_the_rooms_it_touched_exact(
    admin, db, worker, general
):
    api_import(admin, [person(n, channels=["general"]) for n in range(3)])
    # As a takeover finds it: general touched, its count left short by a killed worker.
    db.rocketchat_room.update_one({"_id": "GENERAL"}, {"$set": {"usersCount": 0}})
    db.rocketchat_import.update_one(
        {"valid": True}, {"$set": {"_roomsTouched": ["GENERAL"], "_cancelRequested": True}}
    )
    worker.run_pending()
    assert status(admin)["state"] == "canceled"
    assert counts_are_exact(db) == {}


def test_a_created_channel_s_subscriptions_are_create_room_s(admin, db, worker, general):
    import_file(admin, worker, a_zip())
    sales = db.rocketchat_room.find_one({"name": "sales"})
    member = db.rocketchat_subscription.find_one({"rid": sales["_id"], "u.username": "user1"})
    creator = db.rocketchat_subscription.find_one({"rid": sales["_id"], "u.username": "user0"})
    # createRoom: `open` as extra data, createWithRoomAndUser's defaults, the room's ts.
    shape = ("open", "alert", "unread", "userMentions", "groupMentions", "ts")
    assert tuple(member[k] for k in shape) == (True, False, 0, 0, 0, sales["ts"])
    assert "ls" not in member and "roles" not in member
    assert (member["t"], member["name"], member["fname"]) == ("c", "sales", "sales")
    assert creator["roles"] == ["owner"] and isinstance(creator["ls"], datetime)
    assert tuple(creator[k] for k in shape) == (True, False, 0, 0, 0, sales["ts"])


def test_members_added_to_an_existing_room_join_it_as_add_user_to_room_does(
    admin, db, worker, general
):
    room = factories.insert_room(db, "sales", owner=admin.user)
    import_file(admin, worker, a_zip())
    member = db.rocketchat_subscription.find_one({"rid": room["_id"], "u.username": "user1"})
    shape = ("open", "alert", "unread", "userMentions", "groupMentions")
    assert tuple(member[k] for k in shape) == (True, True, 1, 1, 0)
    assert member["ts"] > room["ts"] and "roles" not in member
