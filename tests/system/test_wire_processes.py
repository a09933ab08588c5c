"""Several processes on one MongoDB: workers racing for runs, a killed worker, rate limits."""

import collections

import pytest
import requests

from app.services import imports
from tests.support import factories
from tests.support.factories import person
from tests.support.processes import Process, serve, wait_for
from tests.support.wire import free_port

pytestmark = pytest.mark.wire

PER_OPERATION = 30
# Every operation is a race: four workers polling every 50 ms, one claim each time. Twelve
# races (three per worker) show exactly-once as well as fifty did, in a quarter of the time.
OPERATIONS = 12


@pytest.fixture
def db(migrated_wire_db):
    return migrated_wire_db


def workers(count, wire_url, tmp_path, name="worker", **env):
    settings = {"MONGO_URL": wire_url, "BCRYPT_ROUNDS": 4, "IMPORT_POLL_SECONDS": 0.05, **env}
    return [Process(["worker"], tmp_path / f"{name}{n}.log", **settings) for n in range(count)]


def operation_of(db, operation_id):
    return db.rocketchat_import.find_one({"_id": operation_id})


def completed(db, operation_id):
    return (operation_of(db, operation_id).get("count") or {}).get("completed", 0)


def wait_until_done(db, operation_id, timeout):
    def done():
        return operation_of(db, operation_id)["status"] == "importer_done"

    wait_for(done, timeout, f"operation {operation_id} to be done")


def test_four_workers_race_for_every_operation_and_each_is_claimed_once(db, wire_url, tmp_path):
    admin, _ = factories.insert_user(db, roles=("admin",))
    pool = workers(4, wire_url, tmp_path)
    try:
        for k in range(OPERATIONS):
            operation = imports.new_operation(db, admin["_id"])
            people = [person(k * PER_OPERATION + n) for n in range(PER_OPERATION)]
            duplicate = (
                person(0, importIds=[f"dup{k}"], username=f"d{k}")
                if k
                else person(10_000, emails=["p1@example.com"])
            )
            imports.add_users(db, [*people, duplicate])
            imports.start_import(db)
            wait_until_done(db, operation["_id"], 60)
            count = operation_of(db, operation["_id"])["count"]
            assert count == {
                "total": PER_OPERATION + 1,
                "users": PER_OPERATION + 1,
                "completed": PER_OPERATION,
                "error": 1,
            }
    finally:
        for process in pool:
            process.stop()
    claims = collections.Counter(
        line["run_id"]
        for process in pool
        for line in process.log_lines()
        if line["message"].startswith("import run claimed by")
    )
    operations = [op["_id"] for op in db.rocketchat_import.find()]
    assert len(operations) == OPERATIONS
    assert {claims[op] for op in operations} == {1}
    import_ids = [
        i for u in db.users.find({"importIds": {"$exists": True}}) for i in u["importIds"]
    ]
    assert len(import_ids) == len(set(import_ids)) == OPERATIONS * PER_OPERATION
    assert all(process.popen.returncode == 0 for process in pool)


def started_import(db, users):
    """Stage `users` people in a new operation and start it; return the operation."""
    admin, _ = factories.insert_user(db, roles=("admin",))
    operation = imports.new_operation(db, admin["_id"])
    imports.add_users(db, [person(n) for n in range(users)])
    imports.start_import(db)
    return operation


def test_a_killed_worker_is_replaced_and_nobody_is_created_twice(db, wire_url, tmp_path):
    operation = started_import(db, 600)
    (first,) = workers(1, wire_url, tmp_path, BCRYPT_ROUNDS=7, IMPORT_LEASE_SECONDS=2)
    try:
        wait_for(lambda: completed(db, operation["_id"]) >= 100, 60, "the first batches")
        first.kill()
    finally:
        first.stop()
    at_kill = operation_of(db, operation["_id"])
    assert at_kill["status"] == "importer_importing_users"
    assert at_kill["count"]["completed"] < 600
    (second,) = workers(1, wire_url, tmp_path, name="second", BCRYPT_ROUNDS=7)
    try:
        wait_until_done(db, operation["_id"], 120)
    finally:
        second.stop()
    final = operation_of(db, operation["_id"])
    assert final["count"] == {"total": 600, "users": 600, "completed": 600, "error": 0}
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 600
    import_ids = [u["importIds"][0] for u in db.users.find({"importIds": {"$exists": True}})]
    assert len(set(import_ids)) == 600
    assert db.rocketchat_import_data.count_documents({}) == 0
    assert any(line["message"].startswith("import run claimed by") for line in second.log_lines())


def test_the_rate_limit_holds_across_two_processes(db, wire_url, tmp_path):
    factories.insert_permissions(db, {"run-import": ["user"]})
    user, token = factories.insert_user(db)
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    ports = [free_port(), free_port()]
    servers = [
        serve(port, tmp_path / f"api{port}.log", MONGO_URL=wire_url, IMPORT_WORKER="off")
        for port in ports
    ]
    try:
        statuses = [
            requests.get(
                f"http://127.0.0.1:{ports[n % 2]}/api/v1/import.status", headers=headers, timeout=10
            ).status_code
            for n in range(11)
        ]
    finally:
        for server in servers:
            server.stop()
    assert statuses == [200] * 10 + [429]


def test_a_stopped_worker_hands_its_run_over_at_once(db, wire_url, tmp_path):
    operation = started_import(db, 400)
    (first,) = workers(1, wire_url, tmp_path, BCRYPT_ROUNDS=7, IMPORT_LEASE_SECONDS=600)
    wait_for(lambda: completed(db, operation["_id"]) >= 50, 60, "the first batch")
    first.stop()
    assert first.popen.returncode == 0
    handed_over = operation_of(db, operation["_id"])
    assert "_importLease" not in handed_over
    assert handed_over["status"] == "importer_importing_users"
    (second,) = workers(1, wire_url, tmp_path, name="second")
    try:
        wait_until_done(db, operation["_id"], 60)
    finally:
        second.stop()
    assert operation_of(db, operation["_id"])["count"]["completed"] == 400
