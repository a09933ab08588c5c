"""The lifecycle over real pymongo on the wire server: atomic starts, collations, indexes."""

import collections
import threading

import pytest
from pymongo import monitoring

from app import close_app
from app.errors import ActionRefused
from app.extensions.db import get_db
from app.services import imports
from tests.support import factories
from tests.support.apps import Caller, make_app, make_worker

pytestmark = pytest.mark.wire


@pytest.fixture
def wire_admin(wire_app):
    db = get_db()
    factories.insert_permissions(db)
    factories.insert_roles(db)
    factories.create_rocketchat_user_indexes(db)
    user, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
    return Caller(wire_app.test_client(), user, token)


def person(n, **fields):
    return {
        "username": f"person{n}",
        "emails": [f"person{n}@example.com"],
        "importIds": [f"id-{n}"],
        **fields,
    }


def stage(admin, people):
    admin.post("import.new")
    assert admin.post("import.addUsers", json={"users": people}).status_code == 200


def run_worker(db, **kwargs):
    worker = make_worker(db, **kwargs)
    try:
        return worker.run_pending()
    finally:
        worker.stop()


def test_full_lifecycle_over_real_pymongo(wire_admin):
    db = get_db()
    stage(wire_admin, [person(n) for n in range(70)])
    stage_more = wire_admin.post("import.addUsers", json={"users": [person(70)]})
    assert stage_more.status_code == 200
    assert wire_admin.post("import.run").status_code == 200
    assert wire_admin.get("import.status").json["state"] == "importing"
    assert run_worker(db) == 1
    status = wire_admin.get("import.status").json
    assert status["state"] == "done"
    assert status["operation"]["count"] == {"total": 71, "users": 71, "completed": 71, "error": 0}
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 71


def race_to_start(db, callers):
    """Call start_import from `callers` threads at once; return what each got."""
    barrier = threading.Barrier(callers)
    outcomes = []

    def start():
        barrier.wait()
        try:
            imports.start_import(db)
            outcomes.append("started")
        except ActionRefused as refused:
            outcomes.append(refused.message)

    threads = [threading.Thread(target=start) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_concurrent_runs_exactly_one_wins(wire_admin):
    for _ in range(10):
        stage(wire_admin, [person(1)])
        outcomes = race_to_start(get_db(), 8)
        assert outcomes == ["error-invalid-operation-status"] * 7 + ["started"]


def test_case_insensitive_duplicates_with_real_collations(wire_admin):
    db = get_db()
    factories.insert_user(db, username="Person1", emails=[{"address": "X@Example.com"}])
    stage(
        wire_admin,
        [person(1), person(2, emails=["x@EXAMPLE.com"]), person(3), person(4, username="PERSON3")],
    )
    wire_admin.post("import.run")
    run_worker(db)
    reasons = sorted(r["errors"][0]["message"] for r in db.rocketchat_import_data.find())
    assert reasons == [
        "email already in use: x@EXAMPLE.com",
        "username already in use: PERSON3",
        "username already in use: person1",
    ]
    assert db.rocketchat_import.find_one({"valid": True})["count"]["completed"] == 1


class CommandCounter(monitoring.CommandListener):
    """Counts the commands a client sends, by name."""

    def __init__(self):
        self.names = []

    def started(self, event):
        self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def commands_per_batch(wire_url, db, size):
    """Stage `size` users, run them, and return the database commands per batch of 50."""
    import pymongo

    admin, _ = factories.insert_user(db, roles=("admin",))
    imports.new_operation(db, admin["_id"])
    imports.add_users(db, [person(n, password="pw") for n in range(size)])
    imports.start_import(db)
    counter = CommandCounter()
    with pymongo.MongoClient(wire_url, event_listeners=[counter]) as client:
        run_worker(client.get_default_database())
    return counter.names


def test_a_batch_costs_a_constant_number_of_round_trips(wire_app, wire_url):
    db = get_db()
    factories.create_rocketchat_user_indexes(db)
    factories.insert_roles(db)
    one_chunk = commands_per_batch(wire_url, db, 500)
    db.users.delete_many({"importIds": {"$exists": True}})
    two_chunks = commands_per_batch(wire_url, db, 1000)
    extra = collections.Counter(two_chunks) - collections.Counter(one_chunk)
    # Ten more batches: each inserts, deletes what it staged, writes its counts; the
    # chunk of ten reads the staging area once and looks identities up once per field.
    assert extra == {"insert": 10, "delete": 10, "findAndModify": 10, "find": 3, "getMore": 1}
    assert len(two_chunks) / 1000 <= 0.1, two_chunks


class Recorder(monitoring.CommandListener):
    """Records command names while recording is on; registered once for the process."""

    names = None

    def started(self, event):
        if self.names is not None:
            self.names.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


RECORDER = Recorder()
monitoring.register(RECORDER)  # applies to clients created from now on, such as apps'


def test_import_status_costs_three_round_trips(wire_url):
    app = make_app(MONGO_URL=wire_url)
    try:
        with app.app_context():
            db = get_db()
            factories.insert_permissions(db)
            user, token = factories.insert_user(db, roles=("admin",))
            factories.insert_operation(db, status="importer_done")
        headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
        client = app.test_client()
        client.get("/api/v1/import.status", headers=headers)  # the connection pool warms up
        RECORDER.names = []
        response = client.get("/api/v1/import.status", headers=headers)
        names, RECORDER.names = RECORDER.names, None
    finally:
        close_app(app)
    assert response.json["state"] == "done"
    assert names == ["find", "find", "find"]  # the caller, the permissions, the operation
