"""The import runner: batches, Rocket.Chat-shaped users, duplicates, stops and failures."""

import hashlib
from datetime import timedelta

import bcrypt
import pytest

from app.extensions.worker_binding import get_worker_of
from app.models import staging, users
from app.services import imports
from app.services.accounts import METEOR_ALPHABET
from app.services.passwords import check
from tests.support import factories
from tests.support.apps import make_worker
from tests.support.factories import snapshot


def person(n, **fields):
    return {
        "username": f"person{n}",
        "emails": [f"person{n}@example.com"],
        "importIds": [f"id-{n}"],
        **fields,
    }


def stage(admin, people, chunk=1000):
    assert admin.post("import.new").status_code == 200
    for start in range(0, len(people), chunk):
        response = admin.post("import.addUsers", json={"users": people[start : start + chunk]})
        assert response.status_code == 200, response.json
    assert admin.post("import.run").status_code == 200


def operation(db):
    return db.rocketchat_import.find_one(sort=[("ts", -1)])


def imported(db):
    return {u["username"]: u for u in db.users.find({"importIds": {"$exists": True}})}


def test_counts_are_written_after_each_batch_of_fifty(db, admin, worker):
    stage(admin, [person(n) for n in range(120)])
    written = []
    worker.on_batch = lambda run: written.append(operation(db)["count"]["completed"])
    worker.run_pending()
    assert written == [50, 100, 120]
    assert operation(db)["count"] == {"total": 120, "users": 120, "completed": 120, "error": 0}


def test_created_records_leave_staging_and_failed_ones_stay_with_a_reason(db, admin, worker):
    factories.insert_user(db, username="person7")
    stage(admin, [person(n) for n in range(120)])
    worker.run_pending()
    remaining = list(db.rocketchat_import_data.find())
    assert [r["data"]["username"] for r in remaining] == ["person7"]
    assert remaining[0]["errors"] == [{"message": "username already in use: person7"}]
    count = operation(db)["count"]
    assert (count["completed"], count["error"], count["total"]) == (119, 1, 120)


def test_created_user_is_rocket_chat_shaped(db, admin, worker):
    stage(
        admin,
        [
            person(
                1,
                name="Person One",
                password="s3cret",
                utcOffset=-3,
                statusText="hi",
                bio="bio",
                avatarUrl="http://x/a.png",
                type="bot",
                roles=["bot"],
            )
        ],
    )
    worker.run_pending()
    user = imported(db)["person1"]
    assert len(user["_id"]) == 17 and set(user["_id"]) <= set(METEOR_ALPHABET)
    assert user["emails"] == [{"address": "person1@example.com", "verified": False}]
    assert user["importIds"] == ["id-1"]
    assert user["roles"] == ["bot", "user"]
    assert (user["type"], user["status"], user["active"], user["name"]) == (
        "bot",
        "offline",
        True,
        "Person One",
    )
    assert (user["utcOffset"], user["statusText"], user["bio"]) == (-3, "hi", "bio")
    assert user["_pendingAvatarUrl"] == "http://x/a.png"
    assert user["services"]["email2fa"]["enabled"] is True
    assert "resume" not in user["services"]
    assert user["createdAt"] == user["_updatedAt"]
    assert db.rocketchat_import_data.count_documents({}) == 0


def test_imported_password_is_bcrypt_of_the_sha256_hex(db, admin, worker):
    stage(admin, [person(1, password="P@ssw0rd")])
    worker.run_pending()
    stored = imported(db)["person1"]["services"]["password"]["bcrypt"]
    assert bcrypt.checkpw(hashlib.sha256(b"P@ssw0rd").hexdigest().encode(), stored.encode())
    assert not check("wrong", stored)


def test_bcrypt_cost_is_ten_by_default(app, db, admin):
    stage(admin, [person(1, password="x")])
    default = get_worker_of(app)  # the app's own worker, built from its (default) settings
    try:
        default.run_pending()
    finally:
        default.stop()
    assert imported(db)["person1"]["services"]["password"]["bcrypt"].startswith("$2b$10$")


def test_users_without_password_share_one_unknowable_hash(db, admin, worker):
    stage(admin, [person(1), person(2, password=""), person(3, password=None)])
    worker.run_pending()
    (shared,) = {u["services"]["password"]["bcrypt"] for u in imported(db).values()}
    assert not any(check(guess, shared) for guess in ("", "password", "null", "None"))


def test_deleted_users_are_created_inactive(db, admin, worker):
    stage(admin, [person(1, deleted=True), person(2, deleted=False)])
    worker.run_pending()
    assert [imported(db)[f"person{n}"]["active"] for n in (1, 2)] == [False, True]


@pytest.mark.parametrize(
    ("existing", "staged", "reason"),
    [
        ({"username": "John"}, {"username": "john"}, "username already in use: john"),
        (
            {"emails": [{"address": "J@X.com"}]},
            {"emails": ["j@x.COM"]},
            "email already in use: j@x.COM",
        ),
        ({"importIds": ["id-1"]}, {}, "already imported: importId id-1 belongs to user "),
    ],
)
def test_identities_taken_by_existing_users_fail_case_insensitively(
    db, admin, worker, existing, staged, reason
):
    owner, _ = factories.insert_user(db, **existing)
    stage(admin, [person(1, **staged), person(2)])
    before = db.users.find_one({"_id": owner["_id"]})
    worker.run_pending()
    (record,) = db.rocketchat_import_data.find()
    assert record["errors"][0]["message"].startswith(reason)
    assert set(imported(db)) >= {"person2"}
    assert db.users.find_one({"_id": owner["_id"]}) == before
    assert operation(db)["count"]["error"] == 1


def test_duplicates_inside_one_batch_keep_the_first(db, admin, worker):
    stage(
        admin, [person(1), person(2, emails=["PERSON1@example.com"]), person(3, username="Person1")]
    )
    worker.run_pending()
    assert set(imported(db)) == {"person1"}
    reasons = sorted(r["errors"][0]["message"] for r in db.rocketchat_import_data.find())
    assert reasons == [
        "email already in use: PERSON1@example.com",
        "username already in use: Person1",
    ]


def test_duplicates_across_batches_keep_the_first(db, admin, worker):
    people = [person(n) for n in range(60)]
    people[55] = person(55, username="PERSON3")
    stage(admin, people)
    worker.run_pending()
    assert len(imported(db)) == 59
    (record,) = db.rocketchat_import_data.find()
    assert record["errors"] == [{"message": "username already in use: PERSON3"}]


def test_existing_users_are_never_modified(db, admin, worker):
    factories.insert_user(db, username="person1")
    factories.insert_user(db, emails=[{"address": "person2@example.com"}])
    before = snapshot(db)["users"]
    stage(admin, [person(n) for n in range(4)])
    worker.run_pending()
    after = {u["_id"]: u for u in snapshot(db)["users"]}
    assert all(after[u["_id"]] == u for u in before)


def during_first_batch(monkeypatch, action):
    """Run action while the first batch's users are being inserted."""
    real_insert = users.insert_new

    def insert_then_act(db_, documents):
        refused = real_insert(db_, documents)
        if not getattr(insert_then_act, "done", False):
            insert_then_act.done = True
            action()
        return refused

    monkeypatch.setattr(users, "insert_new", insert_then_act)


def test_clear_during_a_run_stops_it_at_the_next_batch(db, admin, worker, monkeypatch):
    stage(admin, [person(n) for n in range(150)])
    during_first_batch(monkeypatch, lambda: imports.clear(db))
    worker.run_pending()
    assert len(imported(db)) == 50
    assert admin.get("import.status").json["state"] == "error"
    assert "_importLease" not in operation(db)
    assert worker.run_pending() == 0


def test_import_new_during_a_run_stops_it(db, admin, worker, monkeypatch):
    stage(admin, [person(n) for n in range(120)])
    during_first_batch(monkeypatch, lambda: imports.new_operation(db, admin.user["_id"]))
    worker.run_pending()
    assert len(imported(db)) == 50
    assert admin.get("import.status").json["state"] == "new"


def test_an_unexpected_error_fails_the_operation(db, admin, worker, monkeypatch):
    stage(admin, [person(1)])

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(users, "insert_new", broken)
    worker.run_pending()
    status = admin.get("import.status").json
    assert (status["state"], status["operation"]["status"]) == ("error", "importer_import_failed")
    assert "_importLease" not in operation(db)


def test_a_run_that_processes_nobody_still_succeeds(db, admin, worker):
    factories.insert_user(db, username="person1")
    stage(admin, [person(1)])
    worker.run_pending()
    assert admin.get("import.status").json["operation"]["count"] == {
        "total": 1,
        "users": 1,
        "completed": 0,
        "error": 1,
    }
    assert admin.get("import.status").json["state"] == "done"


def test_an_interrupted_run_is_resumed_without_creating_anyone_twice(
    db, admin, worker, monkeypatch
):
    stage(admin, [person(n) for n in range(120)])
    factories.insert_user(db, username="person99")
    real_delete = staging.delete_ids
    calls = []

    def crash_on_second_batch(db_, ids):
        calls.append(len(ids))
        if len(calls) == 2:
            raise SystemExit("killed")  # after the users were inserted, before staging shrank
        real_delete(db_, ids)

    monkeypatch.setattr(staging, "delete_ids", crash_on_second_batch)
    with pytest.raises(SystemExit):
        worker.run_pending()
    assert (
        len(imported(db)) == 99
    )  # two batches inserted (person99 failed), the second still staged
    monkeypatch.setattr(staging, "delete_ids", real_delete)
    expired = factories.now() - timedelta(seconds=1)
    db.rocketchat_import.update_one({}, {"$set": {"_importLease.expiresAt": expired}})
    other = make_worker(db, worker_id="second")
    try:
        assert other.run_pending() == 1
    finally:
        other.stop()
    count = operation(db)["count"]
    assert count == {"total": 120, "users": 120, "completed": 119, "error": 1}
    assert len(imported(db)) == 119
    assert db.rocketchat_import_data.count_documents({}) == 1


def test_a_live_lease_cannot_be_claimed_by_another_worker(db, admin, worker):
    stage(admin, [person(1)])
    assert worker.claim() is not None
    other = make_worker(db, worker_id="other")
    try:
        assert other.claim() is None
    finally:
        other.stop()


def test_a_user_the_database_cannot_store_fails_alone(db, admin, worker, monkeypatch):
    stage(admin, [person(n) for n in range(3)])
    real_insert = users.insert_new

    def refuse_the_second(db_, documents):
        refused = real_insert(db_, documents[:1] + documents[2:])
        assert refused == {}
        db_.users.delete_one({"_id": documents[1]["_id"]})
        return {1: {"message": "document too large"}}

    monkeypatch.setattr(users, "insert_new", refuse_the_second)
    worker.run_pending()
    (record,) = db.rocketchat_import_data.find()
    assert record["errors"] == [{"message": "could not be stored: document too large"}]
    assert operation(db)["count"] == {"total": 3, "users": 3, "completed": 2, "error": 1}
    assert admin.get("import.status").json["state"] == "done"
