"""getCurrentImportOperation, getLatestImportOperations and getImportProgress."""

from datetime import datetime, timedelta

from app.services import clock
from tests.support import factories


def test_current_operation_without_one_has_no_operation_key(admin):
    response = admin.get("getCurrentImportOperation")
    assert response.status_code == 200
    assert response.data == b'{"success":true}'


def test_current_operation_is_the_newest_ts(db, admin):
    factories.insert_operation(db, age_seconds=30)
    newest = factories.insert_operation(db, status="importer_user_selection")
    body = admin.get("getCurrentImportOperation").json
    assert body["operation"]["_id"] == newest["_id"]
    assert body["success"] is True


def test_latest_operations_is_a_bare_array_newest_updated_first(db, admin):
    base = datetime(2026, 1, 1)
    ids = []
    for minutes in (5, 1, 9, 3):
        op = factories.insert_operation(db, _updatedAt=base + timedelta(minutes=minutes))
        ids.append((minutes, op["_id"]))
    response = admin.get("getLatestImportOperations")
    assert response.status_code == 200
    assert isinstance(response.json, list)
    assert [op["_id"] for op in response.json] == [i for _, i in sorted(ids, reverse=True)]


def test_after_import_new_the_new_operation_heads_the_history(admin, monkeypatch):
    # The replaced operation is invalidated in the very millisecond the new one is made.
    frozen = factories.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    made = [admin.post("import.new").json["operation"]["_id"] for _ in range(3)]
    latest = admin.get("getLatestImportOperations").json
    assert [op["_id"] for op in latest] == made[::-1]
    assert [op["valid"] for op in latest] == [True, False, False]


def test_latest_operations_returns_at_most_twenty(db, admin):
    for n in range(25):
        factories.insert_operation(db, age_seconds=n)
    assert len(admin.get("getLatestImportOperations").json) == 20


def test_latest_operations_empty_is_an_empty_array(admin):
    response = admin.get("getLatestImportOperations")
    assert response.data == b"[]"


def test_progress_without_operation_is_400_operation_not_found(admin):
    response = admin.get("getImportProgress")
    assert response.status_code == 400
    assert response.json == {
        "success": False,
        "error": "Import Operation Not Found [error-operation-not-found]",
        "errorType": "error-operation-not-found",
    }


def test_progress_reports_step_and_counts(db, admin):
    factories.insert_operation(
        db, status="importer_importing_users", count={"total": 120, "users": 120, "completed": 50}
    )
    response = admin.get("getImportProgress")
    assert response.status_code == 200
    assert response.data == (
        b'{"key":"api","name":"API","step":"importer_importing_users",'
        b'"count":{"completed":50,"total":120,"error":0},"success":true}'
    )


def test_progress_of_an_operation_without_counts_is_zero(db, admin):
    factories.insert_operation(db, status="importer_new")
    assert admin.get("getImportProgress").json["count"] == {"completed": 0, "total": 0, "error": 0}
