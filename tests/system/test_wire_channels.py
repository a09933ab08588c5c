"""Memberships across processes on the wire server: a worker killed mid-way, and the one
that takes over, leave every subscription once and every usersCount exact."""

import pymongo
import pytest

from app.services import imports, migrations
from tests.support import factories
from tests.support.factories import person
from tests.support.failpoints import FailPoints, closed_connection
from tests.support.processes import Process, wait_for
from tests.support.rooms import counts_are_exact, duplicated_subscriptions, rooms_of

pytestmark = pytest.mark.wire

USERS = 600
UPDATES_CUT = 10_000  # every update until the kill (the worker retries, as it should)


@pytest.fixture
def db(migrated_wire_db):
    return migrated_wire_db


def worker(wire_url, tmp_path, name, **env):
    settings = {
        "MONGO_URL": wire_url,
        "BCRYPT_ROUNDS": 7,
        "IMPORT_POLL_SECONDS": 0.05,
        "IMPORT_API_DEFAULT_CHANNELS": "true",
        **env,
    }
    return Process(["worker"], tmp_path / f"{name}.log", **settings)


def operation_of(db, operation_id):
    return db.rocketchat_import.find_one({"_id": operation_id})


def channels_of(n):
    return ["support"] if n % 2 else ["support", "ops"]


def staged_run(db, users):
    """#general (default), #support, private #ops, each owned by an admin; `users` people
    staged, each naming support (and ops, one in two), and the run started."""
    admin, _ = factories.insert_user(db, roles=("admin",), username="admin")
    factories.insert_room(db, "general", room_id="GENERAL", default=True, owner=admin)
    factories.insert_room(db, "support", owner=admin)
    factories.insert_room(db, "ops", t="p", owner=admin)
    operation = imports.new_operation(db, admin["_id"])
    imports.add_users(db, [person(n, channels=channels_of(n)) for n in range(users)])
    imports.start_import(db)
    return operation


def finish_with_a_second_worker(db, wire_url, tmp_path, operation):
    second = worker(wire_url, tmp_path, "second")
    try:
        wait_for(
            lambda: operation_of(db, operation["_id"])["status"] == "importer_done",
            180,
            "the run to be done",
        )
    finally:
        second.stop()
    return operation_of(db, operation["_id"])


def test_a_killed_worker_s_takeover_leaves_each_subscription_once_and_counts_exact(
    db, wire_url, tmp_path
):
    operation = staged_run(db, USERS)

    def completed():
        return (operation_of(db, operation["_id"]).get("count") or {}).get("completed", 0)

    first = worker(wire_url, tmp_path, "first", IMPORT_LEASE_SECONDS=2)
    try:
        wait_for(lambda: completed() >= 100, 60, "the first batches")
        first.kill()
    finally:
        first.stop()
    at_kill = operation_of(db, operation["_id"])
    assert at_kill["status"] == "importer_importing_users"
    assert at_kill["count"]["completed"] < USERS
    final = finish_with_a_second_worker(db, wire_url, tmp_path, operation)
    assert duplicated_subscriptions(db) == []
    assert counts_are_exact(db) == {}
    by_room = {
        room["name"]: room["usersCount"]
        for room in db.rocketchat_room.find({}, {"name": 1, "usersCount": 1})
    }
    assert by_room == {"general": USERS + 1, "support": USERS + 1, "ops": USERS // 2 + 1}
    assert db.rocketchat_subscription.count_documents({}) == 3 + USERS * 2 + USERS // 2
    assert rooms_of(db, "p0") == ["general", "ops", "support"]
    assert rooms_of(db, "p1") == ["general", "support"]
    assert final["count"]["completed"] == USERS
    assert sorted(final["_roomsTouched"]) == sorted(r["_id"] for r in db.rocketchat_room.find())


@pytest.fixture
def fault_db(fault_server):
    url = fault_server.new_database_url()
    with pymongo.MongoClient(url) as client:
        database = client.get_default_database()
        migrations.migrate(database)
        yield url, database
        client.drop_database(database)


def test_a_kill_between_the_subscriptions_and_the_counts_is_made_exact_by_the_takeover(
    fault_db, fault_server, tmp_path
):
    url, db = fault_db
    operation = staged_run(db, 150)
    faults = FailPoints(fault_server.address)
    first = worker(url, tmp_path, "first", IMPORT_LEASE_SECONDS=2)
    try:
        wait_for(
            lambda: db.rocketchat_subscription.count_documents({}) >= 3 + 50 * 3, 60, "a batch"
        )
        # From now on every update of the worker's is cut (never run): the next batch's
        # subscriptions are inserted, its usersCounts never raised; the worker dies there.
        written = db.rocketchat_subscription.count_documents({})
        faults.arm(closed_connection(["update"]), times=UPDATES_CUT)
        wait_for(lambda: db.rocketchat_subscription.count_documents({}) > written, 30, "the write")
        first.kill()
    finally:
        first.stop()
        faults.close()
    behind = db.rocketchat_room.find_one({"_id": "GENERAL"})["usersCount"]
    assert behind < db.rocketchat_subscription.count_documents({"rid": "GENERAL"})
    finish_with_a_second_worker(db, url, tmp_path, operation)
    assert duplicated_subscriptions(db) == []
    assert counts_are_exact(db) == {}
    assert db.rocketchat_room.find_one({"_id": "GENERAL"})["usersCount"] == 151


def test_a_kill_in_the_channels_step_leaves_the_channel_s_members_once_and_counted(
    fault_db, fault_server, tmp_path
):
    url, db = fault_db
    members = 1500  # two writes of members: MEMBERS_PER_WRITE (1,000), then 500
    admin, _ = factories.insert_user(db, roles=("admin",), username="admin")
    operation = imports.new_operation(db, admin["_id"])
    imports.add_users(db, [person(n) for n in range(members)])
    channel = {
        "importIds": ["all-hands"],
        "name": "all-hands",
        "creator": "p0",
        "isPrivate": False,
        "members": [f"p{n}" for n in range(members)] + ["ghost"],
        "isDirect": False,
    }
    db.rocketchat_import_data.insert_one({"_id": "f" * 24, "dataType": "channel", "data": channel})
    imports.start_import(db)

    def subscribed():
        return db.rocketchat_subscription.count_documents({})

    faults = FailPoints(fault_server.address)
    first = worker(url, tmp_path, "first", IMPORT_LEASE_SECONDS=2, BCRYPT_ROUNDS=4)
    try:
        wait_for(lambda: subscribed() >= 1000, 120, "the first members")
        # The next chunk's members are subscribed, its usersCount never raised: killed there.
        faults.arm(closed_connection(["update"]), times=UPDATES_CUT)
        wait_for(lambda: subscribed() >= members, 30, "the second chunk")
        first.kill()
    finally:
        first.stop()
        faults.close()
    room = db.rocketchat_room.find_one({"name": "all-hands"})
    assert room["usersCount"] < subscribed()
    final = finish_with_a_second_worker(db, url, tmp_path, operation)
    assert duplicated_subscriptions(db) == []
    assert counts_are_exact(db) == {}
    assert db.rocketchat_room.find_one({"name": "all-hands"})["usersCount"] == members
    assert owners_of(db, room["_id"]) == ["p0"]
    assert db.users.count_documents({"__rooms": room["_id"]}) == members
    assert final["roomCounts"]["unknownMembers"] == ["ghost"]


def owners_of(db, room_id):
    found = db.rocketchat_subscription.find({"rid": room_id, "roles": "owner"})
    return [s["u"]["username"] for s in found]
