"""Only a SCIM bearer token opens /scim/v2, and it opens nothing else; it is never logged."""

import json
import logging

import pytest

from app.extensions.db import get_db
from app.services import scim_tokens
from tests.support import factories
from tests.support.apps import make_app
from tests.support.scim import ERROR, ScimCaller, okta_user


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer rcscim_not-a-token"},
        {"Authorization": "Basic b2t0YTpzZWNyZXQ="},
        {"Authorization": "Bearer"},
    ],
    ids=["none", "wrong", "basic", "empty"],
)
def test_a_missing_or_wrong_token_is_401_with_a_scim_error(client, db, headers):
    answer = client.get("/scim/v2/Users", headers=headers)
    assert answer.status_code == 401
    assert answer.json == {
        "schemas": [ERROR],
        "status": "401",
        "detail": "a SCIM bearer token is required",
    }
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="SCIM"'
    assert answer.mimetype == "application/scim+json"


def test_the_rest_apis_credentials_do_not_open_scim(client, db):
    user, token = factories.insert_user(db, roles=("admin", "user"))
    headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
    assert client.get("/scim/v2/Users", headers=headers).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/scim/v2/Users", headers=bearer).status_code == 401


def test_a_scim_token_does_not_open_the_rest_api(client, db):
    factories.insert_permissions(db)
    token = scim_tokens.create(db, "okta")
    answer = client.get("/api/v1/import.status", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and answer.json["success"] is False


def test_a_revoked_token_is_refused_at_once(client, db):
    idp = ScimCaller(client, scim_tokens.create(db, "okta"))
    assert idp.get("/Users").status_code == 200
    scim_tokens.revoke(db, "okta")
    assert idp.get("/Users").status_code == 401


def test_the_token_is_kept_as_a_hash_only(db):
    token = scim_tokens.create(db, "entra")
    stored = db.bulkimport_scim_tokens.find_one({"_id": "entra"})
    assert token.startswith("rcscim_") and token not in json.dumps(stored, default=str)
    assert stored["hash"] == scim_tokens.hash_of(token)


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "../okta", "-okta"])
def test_a_token_name_that_is_not_one_is_refused(db, name):
    with pytest.raises(scim_tokens.TokenError):
        scim_tokens.create(db, name)
    assert db.bulkimport_scim_tokens.count_documents({}) == 0


def test_a_second_token_of_the_same_name_is_refused(db):
    scim_tokens.create(db, "okta")
    with pytest.raises(scim_tokens.TokenError, match="exists"):
        scim_tokens.create(db, "okta")


def test_tokens_and_passwords_never_reach_the_log(client, db, caplog):
    token = scim_tokens.create(db, "okta", bypass_rate_limit=True)
    idp = ScimCaller(client, token)
    with caplog.at_level(logging.DEBUG):
        idp.post("/Users", okta_user())
        idp.get("/Users", query_string={"filter": 'userName eq "jane.doe@example.com"'})
        client.get("/scim/v2/Users", headers={"Authorization": "Bearer rcscim_wrong-one"})
    logged = caplog.text
    assert "/scim/v2/Users" in logged  # the access lines are there
    assert token not in logged and "rcscim_wrong-one" not in logged and "1mz050nq" not in logged


def test_scim_calls_are_rate_limited_as_the_rest_apis():
    app = make_app(RATE_LIMIT_ENABLED=True, RATE_LIMIT_CALLS=2, RATE_LIMIT_STORAGE_URI="memory://")
    with app.app_context():
        idp = ScimCaller(app.test_client(), scim_tokens.create(get_db(), "okta"))
        answers = [idp.get("/Users") for _ in range(3)]
        spared = ScimCaller(app.test_client(), scim_tokens.create(get_db(), "entra", True))
        spared_answers = [spared.get("/Users").status_code for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json["schemas"] == [ERROR] and answers[2].json["status"] == "429"
    assert spared_answers == [200, 200, 200]
