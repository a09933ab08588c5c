"""import.new, import.run and import.clear, and the whole lifecycle through HTTP."""

import re
from datetime import timedelta

import pytest

from app.services import clock
from tests.support import factories
from tests.support.factories import snapshot

USERS = [
    {"username": f"user{n}", "emails": [f"user{n}@example.com"], "importIds": [str(n)]}
    for n in range(3)
]


def test_import_new_returns_the_operation(admin):
    response = admin.post("import.new")
    assert response.status_code == 200
    body = response.json
    operation = body["operation"]
    assert body["success"] is True
    assert list(body) == ["operation", "success"]
    assert {k: operation[k] for k in ("type", "importerKey", "status", "valid", "user")} == {
        "type": "api",
        "importerKey": "api",
        "status": "importer_new",
        "valid": True,
        "user": admin.user["_id"],
    }
    assert re.fullmatch("[0-9a-f]{24}", operation["_id"])  # an ObjectId's hex, as Rocket.Chat's
    assert operation["ts"].endswith("Z") and operation["ts"] == operation["_updatedAt"]


def test_import_new_ignores_its_body(client, admin):
    response = client.post(
        "/api/v1/import.new",
        headers=admin.headers,
        data="not json",
        content_type="application/json",
    )
    assert response.status_code == 200


def test_import_new_invalidates_every_operation_and_empties_staging(db, admin):
    old = factories.insert_operation(db, status="importer_user_selection", age_seconds=10)
    db.rocketchat_import_data.insert_one({"_id": "r1", "dataType": "user", "data": {}})
    new = admin.post("import.new").json["operation"]
    valid = {op["_id"]: op["valid"] for op in db.rocketchat_import.find()}
    assert valid == {old["_id"]: False, new["_id"]: True}
    assert db.rocketchat_import_data.count_documents({}) == 0
    assert admin.get("import.status").json["state"] == "new"


@pytest.mark.parametrize("route", ["import.new", "import.run", "import.clear", "import.cancel"])
def test_every_lifecycle_route_needs_run_import_and_changes_nothing_without(db, regular, route):
    factories.insert_operation(db, status="importer_user_selection")
    before = snapshot(db)
    assert regular.post(route).status_code == 403
    assert snapshot(db) == before


def test_run_without_operation_is_operation_not_found(db, admin):
    before = snapshot(db)
    response = admin.post("import.run")
    assert response.status_code == 400
    assert response.data == b'{"success":false,"error":"error-operation-not-found"}'
    assert snapshot(db) == before


def test_run_of_an_invalid_operation_is_operation_not_found(db, admin):
    factories.insert_operation(db, status="importer_user_selection", valid=False)
    before = snapshot(db)
    assert admin.post("import.run").json == {"success": False, "error": "error-operation-not-found"}
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "status",
    ["importer_new", "importer_importing_started", "importer_done", "importer_import_failed"],
)
def test_run_outside_user_selection_is_invalid_operation_status(db, admin, status):
    factories.insert_operation(db, status=status)
    before = snapshot(db)
    response = admin.post("import.run")
    assert response.status_code == 400
    assert response.data == b'{"success":false,"error":"error-invalid-operation-status"}'
    assert snapshot(db) == before


def test_run_answers_at_once_and_leaves_the_import_to_a_worker(db, admin):
    admin.post("import.new")
    admin.post("import.addUsers", json={"users": USERS})
    response = admin.post("import.run")
    assert response.data == b'{"success":true}'
    status = admin.get("import.status").json
    assert status["state"] == "importing"
    assert status["operation"]["status"] == "importer_importing_started"
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 0


def test_a_second_run_is_refused(admin):
    admin.post("import.new")
    admin.post("import.addUsers", json={"users": USERS})
    assert admin.post("import.run").status_code == 200
    assert admin.post("import.run").json["error"] == "error-invalid-operation-status"


def test_clear_invalidates_and_empties_staging(db, admin):
    admin.post("import.new")
    admin.post("import.addUsers", json={"users": USERS})
    assert admin.post("import.clear").data == b'{"success":true}'
    assert db.rocketchat_import_data.count_documents({}) == 0
    assert db.rocketchat_import.count_documents({"valid": True}) == 0
    assert admin.get("import.status").json["state"] == "error"


def test_clear_of_a_done_operation_reports_done(db, admin):
    factories.insert_operation(db, status="importer_done")
    admin.post("import.clear")
    assert admin.get("import.status").json["state"] == "done"


def test_full_lifecycle_through_http(db, admin, worker):
    seen = []
    worker.on_batch = lambda run: seen.append(admin.get("import.status").json["state"])
    assert admin.post("import.new").status_code == 200
    assert admin.post("import.addUsers", json={"users": USERS[:2]}).status_code == 200
    assert admin.post("import.addUsers", json={"users": USERS[2:]}).status_code == 200
    status = admin.get("import.status").json
    assert (status["state"], status["operation"]["count"]) == ("ready", {"total": 3, "users": 3})
    assert admin.post("import.run").status_code == 200
    assert admin.get("import.status").json["state"] == "importing"
    assert worker.run_pending() == 1
    assert seen == ["importing"]
    status = admin.get("import.status").json
    count = status["operation"]["count"]
    assert (status["state"], status["operation"]["status"]) == ("done", "importer_done")
    assert count == {"total": 3, "users": 3, "completed": 3, "error": 0}
    assert count["completed"] + count["error"] == count["total"]
    assert admin.get("getImportProgress").json["count"] == {"completed": 3, "total": 3, "error": 0}
    assert "_importLease" not in db.rocketchat_import.find_one({"status": "importer_done"})


def test_an_operation_replaced_in_the_same_millisecond_is_not_the_current_one(
    db, admin, monkeypatch
):
    # Two import.new a millisecond apart share a `ts`: the replaced one must not come back.
    frozen = factories.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    first = admin.post("import.new").json["operation"]["_id"]
    second = admin.post("import.new").json["operation"]["_id"]
    answer = admin.get("import.status").json
    assert answer["operation"]["_id"] == second != first
    assert answer["state"] == "new"
    assert admin.get("getCurrentImportOperation").json["operation"]["_id"] == second
    # Stored a millisecond newer, so that Rocket.Chat's own sort on `ts` agrees.
    stamps = {op["_id"]: op["ts"] for op in db.rocketchat_import.find()}
    assert stamps[second] - stamps[first] == timedelta(milliseconds=1)
    users = [factories.person(1)]
    assert admin.post("import.addUsers", json={"users": users}).status_code == 200
    assert db.rocketchat_import.find_one({"_id": second})["count"]["total"] == 1
