"""POST /api/v1/import.addUsers: validation, the service's checks in order, and staging."""

import hashlib
import json
import logging

import pytest

from tests.support import factories
from tests.support.factories import snapshot

JOHN = {
    "username": "john.doe",
    "emails": ["john.doe@example.com"],
    "importIds": ["1523"],
    "name": "John Doe",
    "password": "P@ssw0rd",
}
JANE = {
    "username": "jane.doe",
    "emails": ["jane.doe@example.com"],
    "importIds": ["1524"],
    "name": "Jane Doe",
}


@pytest.fixture
def operation(admin):
    return admin.post("import.new").json["operation"]


def refused(caller, db, body, status=400):
    """Send body, assert the status, and assert that nothing at all changed."""
    before = snapshot(db)
    response = caller.post("import.addUsers", json=body)
    assert response.status_code == status, response.json
    assert snapshot(db) == before
    return response.json


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "must have required property 'users'"),
        ({"users": [], "extra": 1}, "must NOT have additional properties"),
        ({"users": "x"}, "must be array"),
        ({"users": [{"emails": ["a@b.c"]}]}, "must have required property 'importIds'"),
        ({"users": [{"emails": ["a@b.c"], "importIds": ["1"], "username": []}]}, "must be string"),
        (
            {"users": [{"emails": ["a@b.c"], "importIds": ["1"], "utcOffset": "x"}]},
            "must be number",
        ),
        (
            {"users": [{"emails": ["a@b.c"], "importIds": ["1"], "deleted": "yes"}]},
            "must be boolean",
        ),
        ({"users": [5]}, "must be object"),
    ],
)
def test_invalid_body_is_400_invalid_params_and_changes_nothing(
    db, admin, operation, body, message
):
    assert refused(admin, db, body) == {
        "success": False,
        "error": f"{message} [invalid-params]",
        "errorType": "invalid-params",
    }


def test_body_that_is_not_json_is_400_invalid_params(db, admin, operation):
    before = snapshot(db)
    response = admin.client.post(
        "/api/v1/import.addUsers",
        headers=admin.headers,
        data="{nope",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json["errorType"] == "invalid-params"
    assert snapshot(db) == before


def test_validation_comes_before_the_permission(db, regular, operation):
    assert refused(regular, db, {})["errorType"] == "invalid-params"
    assert refused(regular, db, {"users": [JOHN]}, status=403)["error"].endswith(
        "[error-unauthorized]"
    )


def test_authentication_comes_before_validation(client, db, operation):
    before = snapshot(db)
    response = client.post("/api/v1/import.addUsers", json={})
    assert response.status_code == 401
    assert snapshot(db) == before


def test_empty_users_is_200_without_any_operation(db, admin):
    response = admin.post("import.addUsers", json={"users": []})
    assert response.status_code == 200
    assert response.data == b'{"success":true}'
    assert db.rocketchat_import.count_documents({}) == 0


def test_no_operation_is_not_initialized(db, admin):
    assert refused(admin, db, {"users": [JOHN]}) == {
        "success": False,
        "error": "Import operation not initialized.",
    }


@pytest.mark.parametrize("valid", [False, None])
def test_invalid_operation_is_not_initialized(db, admin, valid):
    operation = factories.insert_operation(db, status="importer_new", valid=valid)
    if valid is None:
        db.rocketchat_import.update_one({"_id": operation["_id"]}, {"$unset": {"valid": ""}})
    assert refused(admin, db, {"users": [JOHN]})["error"] == "Import operation not initialized."


@pytest.mark.parametrize(
    "status",
    [
        "importer_preparing_users",
        "importer_importing_started",
        "importer_importing_users",
        "importer_finishing",
    ],
)
def test_loading_or_importing_operation_cannot_receive(db, admin, status):
    factories.insert_operation(db, status=status)
    assert refused(admin, db, {"users": [JOHN]}) == {
        "success": False,
        "error": "The current import operation can not receive new data.",
    }


@pytest.mark.parametrize(
    "status", ["importer_done", "importer_import_failed", "importer_import_cancelled"]
)
def test_finished_operation_is_already_finished(db, admin, status):
    factories.insert_operation(db, status=status)
    assert refused(admin, db, {"users": [JOHN]}) == {
        "success": False,
        "error": "The current import operation is already finished.",
    }


@pytest.mark.parametrize(
    "user",
    [
        {**JANE, "emails": []},
        {**JANE, "emails": [""]},
        {**JANE, "emails": [None]},
        {**JANE, "importIds": []},
        {**JANE, "importIds": [""]},
    ],
)
def test_user_without_email_or_import_id_is_missing_data(db, admin, operation, user):
    assert refused(admin, db, {"users": [JOHN, user]}) == {
        "success": False,
        "error": "Users are missing required data.",
    }


def test_unknown_role_of_a_user_is_invalid_roles(db, admin, operation):
    assert refused(admin, db, {"users": [JOHN, {**JANE, "roles": ["wizard"]}]}) == {
        "success": False,
        "error": "One or more of the users have been assigned invalid roles.",
    }


def test_unknown_default_role_is_invalid_roles(db, admin, operation):
    db.rocketchat_settings.insert_one(
        {"_id": "Accounts_Registration_Users_Default_Roles", "value": "user,ghost"}
    )
    assert refused(admin, db, {"users": [JOHN]})["error"] == (
        "One or more of the users have been assigned invalid roles."
    )


def test_missing_data_is_checked_before_roles(db, admin, operation):
    body = {"users": [{**JANE, "emails": [], "roles": ["wizard"]}]}
    assert refused(admin, db, body)["error"] == "Users are missing required data."


def test_users_are_staged_and_counted(db, admin, operation):
    assert admin.post("import.addUsers", json={"users": [JOHN, JANE]}).data == b'{"success":true}'
    status = admin.get("import.status").json
    assert status["state"] == "ready"
    assert status["operation"]["status"] == "importer_user_selection"
    assert status["operation"]["count"] == {"total": 2, "users": 2}
    assert db.rocketchat_import_data.count_documents({"dataType": "user"}) == 2


def test_calls_add_up(db, admin, operation):
    admin.post("import.addUsers", json={"users": [JOHN]})
    admin.post("import.addUsers", json={"users": [JANE, {**JANE, "importIds": ["9"]}]})
    assert admin.get("import.status").json["operation"]["count"] == {"total": 3, "users": 3}


def staged(db):
    return [r["data"] for r in db.rocketchat_import_data.find().sort("_id", 1)]


def test_roles_are_own_roles_then_defaults_without_duplicates(db, admin, operation):
    db.rocketchat_settings.insert_one(
        {"_id": "Accounts_Registration_Users_Default_Roles", "value": " user , bot,user"}
    )
    users = [
        {**JOHN, "roles": ["admin", "user"]},
        {**JANE, "roles": None},
        {**JANE, "importIds": ["7"]},
    ]
    admin.post("import.addUsers", json={"users": users})
    assert [d["roles"] for d in staged(db)] == [
        ["admin", "user", "bot"],
        ["user", "bot"],
        ["user", "bot"],
    ]


def test_default_role_is_user_without_the_setting(db, admin, operation):
    admin.post("import.addUsers", json={"users": [{**JOHN, "roles": ["admin"]}]})
    assert staged(db)[0]["roles"] == ["admin", "user"]


def test_a_single_role_is_never_split_into_letters(db, admin, operation):
    admin.post("import.addUsers", json={"users": [{**JOHN, "roles": ["bot"]}]})
    assert staged(db)[0]["roles"] == ["bot", "user"]


def test_coerced_values_are_staged(db, admin, operation):
    user = {**JANE, "username": 42, "utcOffset": "-3", "deleted": "true", "emails": ["a@b.c", 5]}
    admin.post("import.addUsers", json={"users": [user]})
    data = staged(db)[0]
    assert (data["username"], data["utcOffset"], data["deleted"], data["emails"]) == (
        "42",
        -3,
        True,
        ["a@b.c", "5"],
    )


def test_unknown_user_keys_are_accepted_and_not_stored(db, admin, operation):
    response = admin.post(
        "import.addUsers", json={"users": [{**JANE, "$where": "1", "x": {"$ne": 1}}]}
    )
    assert response.status_code == 200
    assert "$where" not in staged(db)[0] and "x" not in staged(db)[0]


def test_staging_keeps_only_the_password_digest(db, admin, operation, caplog):
    with caplog.at_level(logging.DEBUG):
        admin.post("import.addUsers", json={"users": [JOHN, JANE]})
    john, jane = db.rocketchat_import_data.find().sort("_id", 1)
    assert john["_passwordDigest"] == hashlib.sha256(b"P@ssw0rd").hexdigest()
    assert "password" not in john["data"] and "_passwordDigest" not in jane
    everything = json.dumps(snapshot(db), default=str) + caplog.text
    assert "P@ssw0rd" not in everything
    assert john["_passwordDigest"] not in caplog.text
