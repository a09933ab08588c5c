"""POST /api/v1/import.cancel (ours): cancel at once, or at the next batch boundary."""

import pytest

from app.models import users
from app.services import imports
from tests.support import factories
from tests.support.factories import snapshot


def person(n):
    return {"username": f"c{n}", "emails": [f"c{n}@example.com"], "importIds": [f"c{n}"]}


def stage(admin, count):
    admin.post("import.new")
    if count:
        admin.post("import.addUsers", json={"users": [person(n) for n in range(count)]})


def current(db):
    return db.rocketchat_import.find_one(sort=[("ts", -1)])


@pytest.mark.parametrize("count", [0, 3])
def test_a_new_or_ready_operation_is_cancelled_at_once(db, admin, count):
    stage(admin, count)
    response = admin.post("import.cancel")
    assert response.status_code == 200
    assert response.json["operation"]["status"] == "importer_import_cancelled"
    assert admin.get("import.status").json["state"] == "canceled"
    assert db.rocketchat_import_data.count_documents({}) == count


def test_a_cancelled_operation_takes_no_more_users_and_cannot_run(admin):
    stage(admin, 2)
    admin.post("import.cancel")
    refused = admin.post("import.addUsers", json={"users": [person(9)]})
    assert refused.json["error"] == "The current import operation is already finished."
    assert admin.post("import.run").json["error"] == "error-invalid-operation-status"


def test_an_unclaimed_run_is_cancelled_at_once(db, admin, worker):
    stage(admin, 3)
    admin.post("import.run")
    assert admin.post("import.cancel").json["operation"]["status"] == "importer_import_cancelled"
    assert worker.run_pending() == 0
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 0


def test_a_running_import_stops_at_the_next_batch_boundary(db, admin, worker, monkeypatch):
    stage(admin, 2000)
    admin.post("import.run")
    real_insert = users.insert_new
    seen = []

    def cancel_during_second_batch(db_, documents):
        seen.append(len(documents))
        if len(seen) == 2:
            response = admin.post("import.cancel")
            assert response.status_code == 200
            assert response.json["operation"]["status"] == "importer_importing_users"
        return real_insert(db_, documents)

    monkeypatch.setattr(users, "insert_new", cancel_during_second_batch)
    worker.run_pending()
    operation = current(db)
    created = db.users.count_documents({"importIds": {"$exists": True}})
    assert operation["status"] == "importer_import_cancelled"
    assert admin.get("import.status").json["state"] == "canceled"
    assert created == 100 == operation["count"]["completed"]
    assert db.rocketchat_import_data.count_documents({}) == 2000 - created
    assert "_importLease" not in operation
    assert worker.run_pending() == 0


def test_cancel_without_an_operation_is_refused(db, admin):
    before = snapshot(db)
    response = admin.post("import.cancel")
    assert (response.status_code, response.json) == (
        400,
        {"success": False, "error": "There is no import operation to cancel."},
    )
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "status", ["importer_done", "importer_import_failed", "importer_import_cancelled"]
)
def test_cancel_of_a_finished_operation_is_refused(db, admin, status):
    factories.insert_operation(db, status=status)
    before = snapshot(db)
    response = admin.post("import.cancel")
    assert response.json == {
        "success": False,
        "error": "The current import operation is already finished.",
    }
    assert snapshot(db) == before


def test_cancel_of_an_invalidated_operation_is_refused(db, admin):
    stage(admin, 1)
    imports.clear(db)
    assert admin.post("import.cancel").json["error"] == "There is no import operation to cancel."
