"""A sync through HTTP: import.new in sync mode, import.addUsers, import.plan, import.run."""

import pytest

from tests.support import factories
from tests.support.apps import make_app
from tests.support.factories import directory_entry, snapshot

# One of four active users may go (25 %), two (50 %) may not.
LIMIT = 25


@pytest.fixture
def app():
    app = make_app(SYNC_MAX_DEACTIVATE_PERCENT=LIMIT)
    with app.app_context():
        yield app


def imported(db, n, **fields):
    """Insert the n-th person as an earlier import left them (with a login token)."""
    user, _ = factories.insert_user(
        db,
        username=f"u{n}",
        emails=[{"address": f"u{n}@example.com", "verified": True}],
        importIds=[f"i{n}"],
        name=f"User {n}",
        **fields,
    )
    return user


def sync(caller, users, **options):
    assert caller.post("import.new", {"mode": "sync", **options}).status_code == 200
    assert caller.post("import.addUsers", {"users": users}).status_code == 200


def plan_of(caller, **query):
    response = caller.get("import.plan", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["plan"]


@pytest.fixture
def people(db):
    """A, B and C from an earlier import."""
    return {name: imported(db, n) for n, name in enumerate("ABC")}


def test_the_plan_names_each_change_and_changes_nothing(admin, db, people):
    sync(
        admin,
        [directory_entry(0, name="Ann"), directory_entry(1), directory_entry(3)],
        deactivateMissing=True,
    )
    before = snapshot(db)
    plan = plan_of(admin)
    assert plan["counts"] == {
        "create": 1,
        "update": 1,
        "deactivate": 1,
        "reactivate": 0,
        "unchanged": 1,
        "refused": 0,
    }
    by_user = {entry["username"]: entry for entry in plan["entries"]}
    assert by_user["u0"]["action"] == "update"
    assert by_user["u0"]["changes"] == {"name": {"old": "User 0", "new": "Ann"}}
    assert by_user["u2"]["action"] == "deactivate" and by_user["u2"]["missing"] is True
    assert by_user["u3"]["action"] == "create"
    assert by_user["u1"]["action"] == "unchanged"
    users_before = [u for u in before["users"]]
    assert list(db.users.find().sort("_id", 1)) == users_before


def test_the_run_does_exactly_the_plan(admin, db, people, worker):
    sync(
        admin,
        [directory_entry(0, name="Ann"), directory_entry(1), directory_entry(3)],
        deactivateMissing=True,
    )
    plan_of(admin)
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    c = db.users.find_one({"_id": people["C"]["_id"]})
    assert c["active"] is False and c["services"]["resume"]["loginTokens"] == []
    assert db.users.find_one({"_id": people["A"]["_id"]})["name"] == "Ann"
    assert db.users.find_one({"username": "u3"})["importIds"] == ["i3"]
    assert db.users.find_one({"_id": people["B"]["_id"]}) == people["B"]
    assert db.users.find_one({"_id": admin.user["_id"]}) == admin.user
    status = admin.get("import.status").json
    assert status["state"] == "done"
    progress = admin.get("import.plan").json["progress"]
    assert progress == {
        "created": 1,
        "updated": 1,
        "deactivated": 1,
        "reactivated": 0,
        "unchanged": 1,
        "failed": 0,
    }


def test_a_second_run_of_the_same_list_changes_nothing(admin, db, people, worker):
    users = [directory_entry(0, name="Ann"), directory_entry(1), directory_entry(3)]
    sync(admin, users, deactivateMissing=True)
    admin.post("import.run")
    worker.run_pending()
    sync(admin, users, deactivateMissing=True)
    assert plan_of(admin)["counts"]["unchanged"] == 3
    assert plan_of(admin)["counts"]["deactivate"] == 0


def test_over_the_limit_the_run_is_refused_with_the_numbers(admin, db, people):
    sync(admin, [directory_entry(0)], deactivateMissing=True)
    plan = plan_of(admin)
    assert plan["counts"]["deactivate"] == 2
    assert "deactivate 2 of 4 active users (50 %)" in plan["overLimit"]
    before = snapshot(db)
    response = admin.post("import.run")
    assert response.status_code == 400
    assert response.json["errorType"] == "error-sync-over-limit"
    assert "2 of 4 active users (50 %), over the limit of 25" in response.json["error"]
    assert snapshot(db) == before


def test_forced_the_run_goes_over_the_limit(admin, db, people, worker):
    sync(admin, [directory_entry(0)], deactivateMissing=True, force=True)
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    assert db.users.count_documents({"active": False}) == 2


def test_an_empty_list_deactivates_nobody(admin, db, people):
    assert admin.post("import.new", {"mode": "sync", "deactivateMissing": True}).status_code == 200
    assert plan_of(admin)["counts"]["deactivate"] == 0


def test_the_last_admin_is_refused_with_the_reason(admin, db, people):
    other = imported(db, 9, roles=["admin"])
    # The caller runs imports without being an admin: the imported admin is the last one.
    factories.insert_permissions(db, {"run-import": ["admin", "user"]})
    db.users.update_one({"_id": admin.user["_id"]}, {"$set": {"roles": ["user"]}})
    sync(
        admin,
        [directory_entry(0), directory_entry(1), directory_entry(2)],
        deactivateMissing=True,
        force=True,
    )
    refused = plan_of(admin, action="refused")["entries"]
    assert [(e["username"], e["userId"]) for e in refused] == [("u9", other["_id"])]
    assert "last active admin" in refused[0]["reason"]


def test_an_entry_naming_two_users_is_refused_naming_both(admin, db, people):
    sync(admin, [directory_entry(0, emails=["u1@example.com"])])
    (entry,) = plan_of(admin, action="refused")["entries"]
    assert entry["reason"] == "matches two users: u0 (importId i0), u1 (email u1@example.com)"


def test_matching_ignores_the_case_of_emails_and_usernames(admin, db, people):
    sync(admin, [{"username": "U1", "emails": ["U1@EXAMPLE.com"], "importIds": ["new-id"]}])
    (entry,) = plan_of(admin)["entries"]
    assert entry["userId"] == people["B"]["_id"]
    assert entry["action"] == "update"
    assert set(entry["changes"]) == {"emails", "importIds"}


def test_a_username_change_is_refused_as_a_rename(admin, db, people):
    sync(admin, [directory_entry(0, username="ann")])
    (entry,) = plan_of(admin)["entries"]
    assert entry["action"] == "refused"
    assert entry["reason"].startswith("rename refused: the list says ann, the user is u0")


def test_bots_and_users_not_imported_are_never_deactivated(admin, db, people):
    factories.insert_user(db, username="bot", type="bot", importIds=["b"], roles=["bot"])
    factories.insert_user(db, username="local")
    sync(
        admin, [directory_entry(0), directory_entry(1), directory_entry(2)], deactivateMissing=True
    )
    assert plan_of(admin)["counts"]["deactivate"] == 0


def test_a_listed_inactive_user_is_reactivated(admin, db, people, worker):
    db.users.update_one({"_id": people["A"]["_id"]}, {"$set": {"active": False}})
    sync(admin, [directory_entry(0)])
    assert plan_of(admin)["counts"]["reactivate"] == 1
    admin.post("import.run")
    worker.run_pending()
    assert db.users.find_one({"_id": people["A"]["_id"]})["active"] is True


def test_import_plan_refuses_a_plain_import(admin):
    admin.post("import.new")
    response = admin.get("import.plan")
    assert response.status_code == 400
    assert response.json["errorType"] == "error-not-a-sync"


def test_import_plan_refuses_an_unknown_action(admin, people):
    sync(admin, [directory_entry(0)])
    response = admin.get("import.plan", query_string={"action": "delete"})
    assert response.status_code == 400
    assert response.json["errorType"] == "invalid-params"


def test_import_new_refuses_unknown_sync_options(admin, db):
    before = snapshot(db)
    response = admin.post("import.new", {"mode": "sync", "deleteEveryone": True})
    assert response.status_code == 400
    assert response.json["errorType"] == "invalid-params"
    assert snapshot(db) == before


def test_import_plan_needs_run_import(regular, admin, people):
    sync(admin, [directory_entry(0)])
    assert regular.get("import.plan").status_code == 403
