"""GET /api/v1/import.status: states, the current operation and the published schema."""

import json
from datetime import datetime

import jsonschema
import pytest

from app.contract import states
from tests.support import factories
from tests.support.paths import GOLDEN

SCHEMA = json.loads((GOLDEN / "import.status.openapi.json").read_text())["paths"][
    "/api/v1/import.status"
]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

STATES = {
    "importer_new": "new",
    "importer_uploading": "loading",
    "importer_downloading_file": "loading",
    "importer_file_loaded": "loading",
    "importer_preparing_started": "loading",
    "importer_preparing_users": "loading",
    "importer_preparing_channels": "loading",
    "importer_preparing_messages": "loading",
    "importer_preparing_contacts": "loading",
    "importer_user_selection": "ready",
    "importer_importing_started": "importing",
    "importer_importing_users": "importing",
    "importer_importing_channels": "importing",
    "importer_importing_messages": "importing",
    "importer_importing_contacts": "importing",
    "importer_importing_files": "importing",
    "importer_finishing": "importing",
    "importer_done": "done",
    "importer_import_failed": "error",
    "importer_import_cancelled": "canceled",
}


def status_of(admin):
    response = admin.get("import.status")
    assert response.status_code == 200
    jsonschema.validate(response.json, SCHEMA)
    return response.json


def test_the_service_knows_exactly_the_twenty_statuses_of_rocket_chat():
    # The service's own table, not this file's: a status added, dropped or mapped to
    # another state there fails here (the parametrized tests below only walk this list).
    assert len(STATES) == 20
    assert states.STATE_OF_STATUS == STATES


def test_no_operation_is_state_none_without_operation_key(admin):
    response = admin.get("import.status")
    assert response.data == b'{"state":"none","success":true}'


@pytest.mark.parametrize(("status", "state"), STATES.items())
def test_valid_operation_reports_the_state_of_its_status(db, admin, status, state):
    factories.insert_operation(db, status=status)
    body = status_of(admin)
    assert body["state"] == state
    assert body["operation"]["status"] == status


@pytest.mark.parametrize("status", [s for s in STATES if s != "importer_done"])
def test_invalid_operation_is_error_unless_done(db, admin, status):
    factories.insert_operation(db, status=status, valid=False)
    assert status_of(admin)["state"] == "error"


def test_invalid_done_operation_stays_done(db, admin):
    factories.insert_operation(db, status="importer_done", valid=False)
    assert status_of(admin)["state"] == "done"


def test_operation_without_valid_counts_as_invalid(db, admin):
    operation = factories.insert_operation(db, status="importer_user_selection")
    db.rocketchat_import.update_one({"_id": operation["_id"]}, {"$unset": {"valid": ""}})
    body = status_of(admin)
    assert body["state"] == "error"
    assert "valid" not in body["operation"]


def test_unknown_status_is_reported_as_error(db, admin):
    factories.insert_operation(db, status="importer_something_new")
    assert status_of(admin)["state"] == "error"


def test_the_newest_ts_is_current_even_when_invalid(db, admin):
    factories.insert_operation(db, status="importer_done", age_seconds=60)
    newest = factories.insert_operation(db, status="importer_new", valid=False)
    body = status_of(admin)
    assert body["operation"]["_id"] == newest["_id"]
    assert body["state"] == "error"


def test_operation_is_serialized_as_rocket_chat_does(db, admin):
    factories.insert_operation(
        db,
        _id="64d51ea91558939980aab371",
        ts=datetime(2023, 8, 10, 17, 30, 17, 519000),
        _updatedAt=datetime(2023, 8, 10, 17, 41, 20, 52000),
        status="importer_user_selection",
        user="7TY57bBj3xQXvf2i2",
        count={"total": 2, "users": 2},
    )
    response = admin.get("import.status")
    assert response.data == (
        b'{"state":"ready","operation":{"_id":"64d51ea91558939980aab371","type":"api",'
        b'"importerKey":"api","ts":"2023-08-10T17:30:17.519Z","status":"importer_user_selection",'
        b'"valid":true,"user":"7TY57bBj3xQXvf2i2","_updatedAt":"2023-08-10T17:41:20.052Z",'
        b'"count":{"total":2,"users":2}},"success":true}'
    )
    assert response.content_type == "application/json"


def test_numeric_ts_from_old_versions_is_epoch_milliseconds(db, admin):
    factories.insert_operation(db, ts=1691688617519, status="importer_done")
    assert status_of(admin)["operation"]["ts"] == "2023-08-10T17:30:17.519Z"


def test_any_date_ts_sorts_above_any_number(db, admin):
    factories.insert_operation(db, ts=99999999999999, status="importer_new")
    dated = factories.insert_operation(db, ts=datetime(2001, 1, 1), status="importer_done")
    assert status_of(admin)["operation"]["_id"] == dated["_id"]


def test_file_importer_fields_are_returned(db, admin):
    factories.insert_operation(
        db,
        type="csv",
        importerKey="csv",
        file="users.zip",
        contentType="application/zip",
        status="importer_done",
        count={"total": 9, "users": 4, "channels": 5, "messages": 0, "completed": 9, "error": 0},
    )
    operation = status_of(admin)["operation"]
    assert operation["file"] == "users.zip"
    assert operation["contentType"] == "application/zip"
    assert operation["count"] == {
        "total": 9,
        "users": 4,
        "channels": 5,
        "messages": 0,
        "completed": 9,
        "error": 0,
    }


def test_fields_rocket_chat_does_not_store_are_not_returned(db, admin):
    factories.insert_operation(db, status="importer_new", _importLease={"worker": "w1"})
    assert "_importLease" not in status_of(admin)["operation"]


def test_missing_optional_fields_are_left_out(db, admin):
    db.rocketchat_import.insert_one(
        {"_id": "bare", "ts": datetime(2024, 1, 1), "valid": True, "status": "importer_new"}
    )
    assert status_of(admin) == {
        "state": "new",
        "operation": {
            "_id": "bare",
            "ts": "2024-01-01T00:00:00.000Z",
            "status": "importer_new",
            "valid": True,
        },
        "success": True,
    }


@pytest.mark.parametrize("valid_first", [True, False])
def test_of_two_operations_with_the_same_ts_the_valid_one_is_current(db, admin, valid_first):
    # Two processes replacing operations at once may write the same `ts`.
    when = factories.now()
    flags = [True, False] if valid_first else [False, True]
    made = [factories.insert_operation(db, valid=flag, ts=when) for flag in flags]
    valid = next(op for op in made if op["valid"])
    answer = admin.get("import.status").json
    assert answer["operation"]["_id"] == valid["_id"]
    assert answer["state"] == "new"
