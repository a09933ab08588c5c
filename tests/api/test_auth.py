"""Header authentication and permission checks, with Rocket.Chat's exact bodies."""

import pytest

from tests.support import factories
from tests.support.apps import documented_routes

UNAUTHORIZED = (
    b'{"success":false,"error":"You must be logged in to do this.",'
    b'"status":"error","message":"You must be logged in to do this."}'
)
FORBIDDEN = (
    b'{"success":false,"error":"User does not have the permissions required for this action '
    b'[error-unauthorized]"}'
)
PROTECTED = [
    "import.status",
    "getCurrentImportOperation",
    "getLatestImportOperations",
    "getImportProgress",
]


def test_contract_test_vector_hashes_as_rocket_chat_stores_it():
    from app.services.tokens import hash_token

    token = "CgQblGLKpKMbrDVn4Lbm/ZEAeH2yq0M9lvbReMq/zpA="
    assert hash_token(token) == "JS67fwgJaEqVRp6KsFXzwt9930C4g4lBs1mEoXhLd6s="


@pytest.mark.parametrize("path", PROTECTED)
def test_no_headers_is_401_with_exact_body(client, admin, path):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 401
    assert response.data == UNAUTHORIZED
    assert response.content_type == "application/json"


@pytest.mark.parametrize(("method", "path"), documented_routes(authenticated=True))
def test_every_authenticated_route_of_every_area_is_401_without_headers(client, method, path):
    response = client.open(path, method=method, json={})
    assert (response.status_code, response.data) == (401, UNAUTHORIZED)


@pytest.mark.parametrize(("method", "path"), documented_routes(authenticated=False))
def test_the_open_routes_answer_without_headers(client, method, path):
    assert client.open(path, method=method, json={}).data != UNAUTHORIZED


@pytest.mark.parametrize("missing", ["X-User-Id", "X-Auth-Token"])
def test_one_header_missing_is_401(client, admin, missing):
    headers = {k: v for k, v in admin.headers.items() if k != missing}
    response = client.get("/api/v1/import.status", headers=headers)
    assert response.status_code == 401
    assert response.data == UNAUTHORIZED


@pytest.mark.parametrize("header", ["X-User-Id", "X-Auth-Token"])
def test_empty_header_is_401(client, admin, header):
    response = client.get("/api/v1/import.status", headers={**admin.headers, header: ""})
    assert response.status_code == 401


def test_wrong_token_is_401(client, admin):
    headers = {**admin.headers, "X-Auth-Token": admin.token + "x"}
    response = client.get("/api/v1/import.status", headers=headers)
    assert response.status_code == 401
    assert response.data == UNAUTHORIZED


def test_token_of_another_user_is_401(client, db, admin):
    _, other_token = factories.insert_user(db, roles=("admin",))
    headers = {"X-User-Id": admin.user["_id"], "X-Auth-Token": other_token}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 401


def test_stored_hash_used_as_token_is_401(client, db, admin):
    stored = admin.user["services"]["resume"]["loginTokens"][0]["hashedToken"]
    headers = {**admin.headers, "X-Auth-Token": stored}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 401


def test_personal_access_token_authenticates(client, db, admin):
    user, token = factories.insert_user(db, roles=("admin",), pat=True)
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    response = client.get("/api/v1/import.status", headers=headers)
    assert response.status_code == 200
    assert response.json == {"state": "none", "success": True}


def test_login_token_when_is_not_checked(client, db, admin):
    from datetime import datetime

    user, token = factories.insert_user(db, roles=("admin",))
    db.users.update_one(
        {"_id": user["_id"]},
        {"$set": {"services.resume.loginTokens.0.when": datetime(2001, 1, 1)}},
    )
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 200


@pytest.mark.parametrize("path", PROTECTED)
def test_user_without_the_permission_is_403_with_exact_body(regular, path):
    response = regular.get(path)
    assert response.status_code == 403
    assert response.data == FORBIDDEN
    assert response.content_type == "application/json"


def test_missing_permission_document_forbids_even_admins(db, admin):
    db.rocketchat_permissions.delete_one({"_id": "run-import"})
    response = admin.get("import.status")
    assert response.status_code == 403
    assert response.data == FORBIDDEN


def test_user_without_roles_is_403(client, db, admin):
    user, token = factories.insert_user(db, roles=())
    db.users.update_one({"_id": user["_id"]}, {"$unset": {"roles": ""}})
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 403


def test_permission_granted_to_a_custom_role(client, db, admin):
    db.rocketchat_permissions.update_one({"_id": "run-import"}, {"$push": {"roles": "importer"}})
    user, token = factories.insert_user(db, roles=("importer",))
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 200


def test_roles_collection_is_not_consulted(client, db, admin):
    db.rocketchat_roles.delete_many({})
    assert admin.get("import.status").status_code == 200


@pytest.mark.parametrize("permission_document", ["exists", "missing"])
@pytest.mark.parametrize("credentials", ["wrong token", "none"])
def test_401_comes_before_403(client, db, regular, permission_document, credentials):
    # The caller claims to be a user who lacks the permission (or nobody holds it, its
    # document being gone): a 403 is deserved too, but who is calling is checked first.
    if permission_document == "missing":
        db.rocketchat_permissions.delete_one({"_id": "run-import"})
    headers = {**regular.headers, "X-Auth-Token": "wrong"} if credentials != "none" else {}
    response = client.get("/api/v1/import.status", headers=headers)
    assert (response.status_code, response.data) == (401, UNAUTHORIZED)


def test_view_import_operations_is_its_own_permission(db, admin):
    db.rocketchat_permissions.update_one({"_id": "view-import-operations"}, {"$set": {"roles": []}})
    assert admin.get("getLatestImportOperations").status_code == 403
    assert admin.get("import.status").status_code == 200


def test_api_info_is_public(client):
    response = client.get("/api/info")
    assert response.status_code == 200
    assert response.json == {"version": "6.3.0", "success": True}
