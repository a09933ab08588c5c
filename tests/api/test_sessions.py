"""POST /api/v1/login, POST /api/v1/logout and GET /api/v1/me, as Rocket.Chat answers them."""

import logging
from datetime import timedelta

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketAuthenticationException
from rocketchat_API.rocketchat import RocketChat

from app.services.passwords import digest
from app.services.tokens import hash_token
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password

WRONG_CREDENTIALS = (
    b'{"success":false,"error":"Unauthorized","status":"error","message":"Unauthorized"}'
)
LOGGED_OUT = b'{"status":"success","data":{"message":"You\'ve been logged out!"}}'


@pytest.fixture
def person(db):
    """An admin who logs in with a password (permissions and roles in place)."""
    factories.insert_permissions(db)
    factories.insert_roles(db)
    user, _ = insert_user_with_password(db, roles=("admin", "user"), name="Ada Admin")
    return user


def log_in(client, body):
    return client.post("/api/v1/login", json=body)


def tokens_of(db, user):
    return db.users.find_one({"_id": user["_id"]})["services"]["resume"]["loginTokens"]


def address_of(user):
    return user["emails"][0]["address"]


def test_login_answers_status_data_and_success(client, person):
    response = log_in(client, {"user": "admin", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json
    assert list(body) == ["status", "data", "success"]
    assert (body["status"], body["success"]) == ("success", True)
    assert list(body["data"]) == ["userId", "authToken", "me"]
    assert body["data"]["userId"] == person["_id"]
    assert body["data"]["me"]["username"] == "admin"


def test_the_new_token_authenticates_later_calls(client, person):
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    response = client.get("/api/v1/import.status", headers=headers)
    assert response.json == {"state": "none", "success": True}


def test_the_new_token_is_stored_only_hashed_with_when(client, db, person):
    token = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]["authToken"]
    stored = tokens_of(db, person)[-1]
    assert set(stored) == {"when", "hashedToken"}
    assert stored["hashedToken"] == hash_token(token)
    assert token not in str(db.users.find_one({"_id": person["_id"]}))


def test_each_login_creates_a_new_token(client, db, person):
    first = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]["authToken"]
    second = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]["authToken"]
    assert first != second
    assert len(tokens_of(db, person)) == 3  # the factory's, and these two


def test_login_notes_the_time_of_the_last_login(client, db, person):
    log_in(client, {"user": "admin", "password": PASSWORD})
    stored = db.users.find_one({"_id": person["_id"]})
    assert stored["lastLogin"] == stored["_updatedAt"] >= person["_updatedAt"]


@pytest.mark.parametrize(
    "identify",
    [
        lambda u: {"user": "admin"},
        lambda u: {"user": address_of(u)},
        lambda u: {"username": "admin"},
        lambda u: {"email": address_of(u)},
        lambda u: {"user": {"username": "admin"}},
        lambda u: {"user": {"email": address_of(u)}},
        lambda u: {"user": {"id": u["_id"]}},
        lambda u: {"user": "ADMIN"},
        lambda u: {"user": address_of(u).upper()},
    ],
    ids=[
        "user-username",
        "user-email",
        "username",
        "email",
        "meteor-username",
        "meteor-email",
        "meteor-id",
        "username-other-case",
        "email-other-case",
    ],
)
def test_login_accepts_every_way_of_naming_the_user(client, person, identify):
    response = log_in(client, {**identify(person), "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["data"]["userId"] == person["_id"]


def test_login_accepts_a_form_encoded_body(client, person):
    response = client.post("/api/v1/login", data={"user": "admin", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["data"]["userId"] == person["_id"]


def test_login_accepts_meteors_client_side_digest(client, person):
    password = {"digest": digest(PASSWORD), "algorithm": "sha-256"}
    assert log_in(client, {"user": "admin", "password": password}).status_code == 200


def test_a_case_insensitive_name_shared_by_two_users_logs_nobody_in(client, db, person):
    insert_user_with_password(db, username="ADMIN2")
    insert_user_with_password(db, username="admin2")
    assert log_in(client, {"user": "Admin2", "password": PASSWORD}).status_code == 401


def test_wrong_password_and_unknown_user_answer_the_same_401(client, person):
    wrong_password = log_in(client, {"user": "admin", "password": "not it"})
    unknown_user = log_in(client, {"user": "nobody", "password": PASSWORD})
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.data == unknown_user.data == WRONG_CREDENTIALS


def test_a_refused_login_stores_no_token(client, db, person):
    log_in(client, {"user": "admin", "password": "not it"})
    assert len(tokens_of(db, person)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "admin"},
        {"password": PASSWORD},
        {"user": "admin", "password": PASSWORD, "extra": 1},
        {"username": 5, "password": PASSWORD},
        {"user": "admin", "password": 123},
        {"user": "admin", "password": {"digest": "abc", "algorithm": "sha-256"}},
        {"user": "admin", "password": {"digest": digest(PASSWORD), "algorithm": "md5"}},
        {"user": {"username": "admin", "email": "x@y.z"}, "password": PASSWORD},
        {"resume": ""},
        {"resume": 42},
    ],
    ids=[
        "empty",
        "no-password",
        "no-user",
        "extra-key",
        "username-not-text",
        "password-not-text",
        "short-digest",
        "other-algorithm",
        "meteor-two-keys",
        "empty-resume",
        "resume-not-text",
    ],
)
def test_a_body_that_is_not_a_login_is_a_401(client, person, body):
    response = log_in(client, body)
    assert response.status_code == 401
    assert response.data == WRONG_CREDENTIALS


def test_a_user_without_a_password_cannot_log_in_with_one(client, db, person):
    factories.insert_user(db, username="nopass")
    assert log_in(client, {"user": "nopass", "password": PASSWORD}).data == WRONG_CREDENTIALS


def test_a_deactivated_user_cannot_log_in(client, db, person):
    db.users.update_one({"_id": person["_id"]}, {"$set": {"active": False}})
    response = log_in(client, {"user": "admin", "password": PASSWORD})
    assert response.status_code == 401
    assert response.data == WRONG_CREDENTIALS
    assert len(tokens_of(db, person)) == 1


def test_a_deactivated_user_with_a_wrong_password_learns_nothing(client, db, person):
    db.users.update_one({"_id": person["_id"]}, {"$set": {"active": False}})
    assert log_in(client, {"user": "admin", "password": "not it"}).data == WRONG_CREDENTIALS


def test_resume_answers_the_same_token(client, db, person):
    token = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]["authToken"]
    response = log_in(client, {"resume": token})
    assert response.status_code == 200
    assert response.json["data"]["authToken"] == token
    assert response.json["data"]["userId"] == person["_id"]
    assert len(tokens_of(db, person)) == 2


def test_resume_with_an_unknown_token_is_a_401(client, person):
    assert log_in(client, {"resume": "not-a-token"}).data == WRONG_CREDENTIALS


def test_resume_with_an_expired_token_is_a_401(client, db, person):
    _, token = factories.insert_user(db, username="old")
    when = factories.now() - timedelta(days=91)
    db.users.update_one({"username": "old"}, {"$set": {"services.resume.loginTokens.0.when": when}})
    assert log_in(client, {"resume": token}).data == WRONG_CREDENTIALS


def test_resume_honours_the_login_expiration_setting(client, db, person):
    db.rocketchat_settings.insert_one({"_id": "Accounts_LoginExpiration", "value": 200})
    _, token = factories.insert_user(db, username="old")
    when = factories.now() - timedelta(days=91)
    db.users.update_one({"username": "old"}, {"$set": {"services.resume.loginTokens.0.when": when}})
    assert log_in(client, {"resume": token}).status_code == 200


def test_resume_with_a_personal_access_token_never_expires(client, db, person):
    _, token = factories.insert_user(db, username="bot", pat=True)
    assert log_in(client, {"resume": token}).status_code == 200


def test_resume_of_a_deactivated_user_is_refused(client, db, person):
    _, token = factories.insert_user(db, username="gone", active=False)
    assert log_in(client, {"resume": token}).data == WRONG_CREDENTIALS


def test_logout_answers_as_rocket_chat(client, person):
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    response = client.post("/api/v1/logout", headers=headers)
    assert response.status_code == 200
    assert response.data == LOGGED_OUT


def test_after_logout_the_token_no_longer_works(client, person):
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    client.post("/api/v1/logout", headers=headers)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_logout_keeps_the_users_other_tokens(client, db, person):
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    before = tokens_of(db, person)
    client.post("/api/v1/logout", headers=headers)
    assert tokens_of(db, person) == before[:-1]


def test_logout_needs_a_login(client, person):
    response = client.post("/api/v1/logout")
    assert response.status_code == 401
    assert response.json["error"] == "You must be logged in to do this."


def test_logout_is_a_post(client, person):
    assert client.get("/api/v1/logout").status_code == 405


def test_me_describes_the_caller(client, db, admin):
    response = admin.get("me")
    assert response.status_code == 200
    body = response.json
    assert body["_id"] == admin.user["_id"]
    assert body["username"] == "admin"
    assert body["roles"] == ["admin", "user"]
    assert body["active"] is True
    assert body["email"] == admin.user["emails"][0]["address"]
    assert body["settings"] == {"profile": {}, "preferences": {}}
    assert body["services"] == {"password": {"exists": False}}
    assert body["isOAuthUser"] is False
    assert body["success"] is True


def test_me_never_shows_a_secret(client, db, person):
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    text = client.get("/api/v1/me", headers=headers).get_data(as_text=True)
    assert "bcrypt" not in text and "$2b$" not in text
    assert "hashedToken" not in text and "loginTokens" not in text
    assert data["authToken"] not in text
    assert '"password":{"exists":true}' in text


def test_the_login_answer_never_shows_the_password_hash(client, person):
    text = log_in(client, {"user": "admin", "password": PASSWORD}).get_data(as_text=True)
    assert "bcrypt" not in text and "$2b$" not in text and "hashedToken" not in text


def test_me_builds_the_avatar_url_on_the_site_url(client, db, admin):
    db.rocketchat_settings.insert_one({"_id": "Site_Url", "value": "https://chat.example.org/"})
    assert admin.get("me").json["avatarUrl"] == "https://chat.example.org/avatar/admin"


def test_me_tells_an_oauth_user(client, db, admin):
    db.users.update_one({"_id": admin.user["_id"]}, {"$set": {"services.github": {"id": 1}}})
    body = admin.get("me").json
    assert body["isOAuthUser"] is True
    assert "github" not in body["services"]


def test_me_needs_a_login(client, admin):
    assert client.get("/api/v1/me").status_code == 401


def test_neither_password_nor_token_reaches_the_logs(client, person, caplog):
    caplog.set_level(logging.DEBUG)
    data = log_in(client, {"user": "admin", "password": PASSWORD}).json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    client.get("/api/v1/me", headers=headers)
    client.post("/api/v1/logout", headers=headers)
    assert any("/api/v1/login" in r.getMessage() for r in caplog.records)
    logged = caplog.text
    assert PASSWORD not in logged and data["authToken"] not in logged


def test_openapi_documents_the_session_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    login = paths["/api/v1/login"]["post"]
    assert "security" not in login
    assert login["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LoginBody"
    }
    for path, method in (("/api/v1/logout", "post"), ("/api/v1/me", "get")):
        assert paths[path][method]["security"] == [{"userId": [], "authToken": []}]


def test_rocketchat_api_client_logs_in_and_reads_import_status(live_url, db, person):
    factories.insert_operation(db, status="importer_user_selection", count={"total": 2, "users": 2})
    rocket = RocketChat("admin", PASSWORD, server_url=live_url)
    body = rocket.call_api_get("import.status")
    assert body["state"] == "ready"
    assert rocket.me()["username"] == "admin"
    assert rocket.logout()["data"]["message"] == "You've been logged out!"


def test_rocketchat_api_client_reports_a_wrong_password(live_url, person):
    with pytest.raises(RocketAuthenticationException):
        RocketChat("admin", "not it", server_url=live_url)


@pytest.mark.wire
def test_login_me_and_logout_over_real_pymongo(wire_app):
    from app.extensions.db import get_db

    db = get_db()
    factories.create_rocketchat_user_indexes(db)
    user, _ = insert_user_with_password(db, username="Wire.Admin")
    client = wire_app.test_client()
    response = log_in(client, {"user": "wire.admin", "password": PASSWORD})
    assert response.status_code == 200, response.data
    data = response.json["data"]
    headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
    assert client.get("/api/v1/me", headers=headers).json["username"] == "Wire.Admin"
    assert client.post("/api/v1/logout", headers=headers).data == LOGGED_OUT
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert len(tokens_of(db, user)) == 1
