"""A sync on the wire server, through the real `bulk-import-users --sync` against a served
API and a worker process: the plan first, then exactly the plan; and after a SIGKILL."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import imports
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.factories import directory_entry
from tests.support.processes import Process, serve, wait_for
from tests.support.wire import free_port

pytestmark = pytest.mark.wire

CLIENT = shutil.which("bulk-import-users", path=str(Path(sys.executable).parent))
# One of four active users may be deactivated (25 %); two (50 %) may not.
LIMIT = "25"


@pytest.fixture
def db(migrated_wire_db):
    return migrated_wire_db


@pytest.fixture
def service(db, wire_url, tmp_path):
    """The API (no worker thread) and one worker process on the wire database."""
    factories.insert_permissions(db)
    factories.insert_roles(db)
    settings = {"MONGO_URL": wire_url, "BCRYPT_ROUNDS": 4, "SYNC_MAX_DEACTIVATE_PERCENT": LIMIT}
    port = free_port()
    api = serve(port, tmp_path / "api.log", IMPORT_WORKER="off", **settings)
    worker = Process(["worker"], tmp_path / "worker.log", IMPORT_POLL_SECONDS=0.05, **settings)
    yield f"http://127.0.0.1:{port}"
    worker.stop()
    api.stop()


@pytest.fixture
def earlier(db):
    """An admin, and A, B and C from an earlier import (each logged in once)."""
    admin, _ = insert_user_with_password(db, roles=("admin", "user"))
    people = {}
    for n, name in enumerate("ABC"):
        data = directory_entry(n)
        emails = [{"address": data["emails"][0], "verified": True}]
        people[name], _ = factories.insert_user(
            db,
            username=data["username"],
            emails=emails,
            importIds=data["importIds"],
            name=data["name"],
        )
    return {"admin": admin, **people}


def sync_command(url, path, *flags):
    env = {**os.environ, "ROCKETCHAT_URL": url, "ROCKETCHAT_USER": "admin"}
    env["ROCKETCHAT_PASSWORD"] = PASSWORD
    args = [CLIENT, "--poll-interval", "0.05", "--no-progress", "--sync", *flags, str(path)]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def write_list(tmp_path, people):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(people))
    return path


def users_of(db):
    """Every user; the admin's login (the command logs in and out) left aside."""
    login = ("services", "_updatedAt", "lastLogin")
    found = {u["_id"]: u for u in db.users.find()}
    for user in found.values():
        if user.get("username") == "admin":
            for key in login:
                user.pop(key, None)
    return found


def test_the_dry_run_changes_nothing_and_the_run_makes_exactly_the_plan(
    db, service, earlier, tmp_path
):
    path = write_list(
        tmp_path, [directory_entry(0, name="Ann Lee"), directory_entry(1), directory_entry(3)]
    )
    before = users_of(db)
    dry = sync_command(service, path, "--deactivate-missing", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "Plan (nothing changed yet): created 1, updated 1, deactivated 1, unchanged 1" in dry.stdout
    )
    assert users_of(db) == before
    real = sync_command(service, path, "--deactivate-missing")
    assert real.returncode == 0, real.stdout + real.stderr
    assert (
        "created 1, updated 1, deactivated 1, reactivated 0, unchanged 1, failed 0" in real.stdout
    )
    after = users_of(db)
    c = after[earlier["C"]["_id"]]
    assert c["active"] is False and c["services"]["resume"]["loginTokens"] == []
    assert after[earlier["A"]["_id"]]["name"] == "Ann Lee"
    assert after[earlier["B"]["_id"]] == before[earlier["B"]["_id"]]
    assert after[earlier["admin"]["_id"]] == before[earlier["admin"]["_id"]]
    (created,) = [u for u in after.values() if u.get("username") == "u3"]
    assert created["importIds"] == ["i3"] and created["active"] is True
    assert len(after) == len(before) + 1


def test_a_list_deactivating_half_the_users_is_refused_with_the_numbers(
    db, service, earlier, tmp_path
):
    path = write_list(tmp_path, [directory_entry(0)])
    before = users_of(db)
    result = sync_command(service, path, "--deactivate-missing")
    assert result.returncode == 2
    assert "would deactivate 2 of 4 active users (50 %), over the limit of 25" in result.stderr
    assert users_of(db) == before


def test_a_list_deactivating_the_last_admin_refuses_it_with_the_reason(
    db, service, earlier, tmp_path
):
    imported_admin = earlier["C"]["_id"]
    db.users.update_one({"_id": imported_admin}, {"$set": {"roles": ["admin"]}})
    # The one running the sync only has run-import: the imported admin is the last one.
    db.users.update_one({"_id": earlier["admin"]["_id"]}, {"$set": {"roles": ["user"]}})
    factories.insert_permissions(db, {"run-import": ["admin", "user"]})
    path = write_list(tmp_path, [directory_entry(0), directory_entry(1)])
    result = sync_command(service, path, "--deactivate-missing", "--dry-run")
    assert "refused u2: error-action-not-allowed: u2 is the last active admin" in result.stdout
    assert "deactivated 0" in result.stdout
    assert db.users.find_one({"_id": imported_admin})["active"] is True


def test_a_killed_worker_s_sync_finishes_exactly_once(db, wire_url, tmp_path):
    admin, _ = factories.insert_user(db, roles=("admin",))
    factories.insert_roles(db)
    existing = 300
    for n in range(existing):
        data = directory_entry(n)
        emails = [{"address": data["emails"][0], "verified": False}]
        factories.insert_user(
            db,
            username=data["username"],
            emails=emails,
            importIds=data["importIds"],
            name=data["name"],
        )
    from app.services import sync

    sync.new_sync(db, admin["_id"], {"deactivateMissing": True, "force": True})
    renamed = [directory_entry(n, name=f"Renamed {n}") for n in range(0, 200)]
    added = [directory_entry(n) for n in range(existing, existing + 200)]
    imports.add_users(db, renamed + added)
    sync.plan_page(db, 100)
    sync.start(db, 100)
    settings = {"MONGO_URL": wire_url, "BCRYPT_ROUNDS": 4, "IMPORT_POLL_SECONDS": 0.05}
    first = Process(
        ["worker"], tmp_path / "first.log", IMPORT_BATCH_SIZE=10, IMPORT_LEASE_SECONDS=2, **settings
    )
    try:
        wait_for(lambda: _completed(db) >= 60, 60, "the first batches")
        first.kill()
    finally:
        first.stop()
    assert _completed(db) < 500
    second = Process(["worker"], tmp_path / "second.log", **settings)
    try:
        wait_for(lambda: _status(db) == "importer_done", 120, "the sync to finish")
    finally:
        second.stop()
    operation = db.rocketchat_import.find_one({}, sort=[("ts", -1)])
    assert operation["syncCounts"] == {
        "created": 200,
        "updated": 200,
        "deactivated": 100,
        "reactivated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert db.users.count_documents({"name": {"$regex": "^Renamed"}}) == 200
    assert db.users.count_documents({"importIds": {"$exists": True}}) == existing + 200
    assert db.users.count_documents({"active": False}) == 100
    assert db.bulkimport_sync_plan_entries.count_documents({"done": False}) == 0


def _completed(db):
    operation = db.rocketchat_import.find_one({}, sort=[("ts", -1)])
    return (operation.get("count") or {}).get("completed", 0)


def _status(db):
    return db.rocketchat_import.find_one({}, sort=[("ts", -1)])["status"]
