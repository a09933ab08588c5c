"""Hostile and malformed input: a Rocket.Chat-shaped error, and nothing changed."""

import json

import pytest

from app import close_app
from app.extensions.db import get_db
from tests.support import factories
from tests.support.apps import Caller, make_app
from tests.support.factories import snapshot

GOOD = {"emails": ["a@example.com"], "importIds": ["1"]}


@pytest.fixture
def ready(admin):
    admin.post("import.new")
    return admin


def send(caller, db, data, content_type="application/json", path="import.addUsers"):
    """POST raw bytes; return (status, json) and assert that nothing changed."""
    before = snapshot(db)
    response = caller.client.post(
        f"/api/v1/{path}", headers=caller.headers, data=data, content_type=content_type
    )
    assert snapshot(db) == before
    return response.status_code, response.json


def invalid(message):
    return 400, {
        "success": False,
        "error": f"{message} [invalid-params]",
        "errorType": "invalid-params",
    }


@pytest.mark.parametrize(
    "data",
    [
        b"{nope",
        b'{"users": [}',
        b"",
        b"\xff\xfe{}",
        b'{"users": ["\xc3\x28"]}',
        b'{"users": NaN}',
        b'{"users": [{"emails": ["a"], "importIds": ["1"], "utcOffset": Infinity}]}',
        b"[" * 100_000,
    ],
)
def test_bodies_that_are_not_json_are_refused(db, ready, data):
    status, body = send(ready, db, data)
    if data == b"":
        assert (status, body) == invalid("must have required property 'users'")
    else:
        assert (status, body) == invalid("Invalid JSON body")


@pytest.mark.parametrize("data", [b"[]", b'"users"', b"5", b"null", b"true"])
def test_bodies_that_are_not_objects_are_refused(db, ready, data):
    assert send(ready, db, data) == invalid("must be object")


def test_a_json_body_is_read_whatever_its_content_type(db, ready):
    response = ready.client.post(
        "/api/v1/import.addUsers",
        headers=ready.headers,
        data=b'{"users": []}',
        content_type="text/plain",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"users": {"$gt": []}}', "must be array"),
        (
            b'{"users": [{"emails": ["a"], "importIds": ["1"], "username": {"$ne": ""}}]}',
            "must be string",
        ),
        (b'{"users": [{"emails": [{"$ne": ""}], "importIds": ["1"]}]}', "must be string"),
        (b'{"users": [{"emails": ["a"], "importIds": {"$exists": true}}]}', "must be array"),
        (
            b'{"users": [{"emails": ["a"], "importIds": ["1"], "deleted": {"$eq": true}}]}',
            "must be boolean",
        ),
        (b'{"users": [], "$where": "sleep(1000)"}', "must NOT have additional properties"),
    ],
)
def test_mongo_operators_where_values_belong_are_refused(db, ready, body, message):
    assert send(ready, db, body) == invalid(message)


def test_very_long_strings_are_refused(db, ready):
    user = {**GOOD, "username": "x" * 2049}
    status, body = send(ready, db, json.dumps({"users": [user]}).encode())
    assert (status, body) == invalid("must NOT have more than 2048 characters")


def test_too_many_values_in_one_field_are_refused(db, ready):
    user = {**GOOD, "importIds": [str(n) for n in range(101)]}
    assert send(ready, db, json.dumps({"users": [user]}).encode()) == invalid(
        "must NOT have more than 100 items"
    )


def limited_app(**settings):
    app = make_app(**settings)
    with app.app_context():
        db = get_db()
        factories.insert_permissions(db)
        user, token = factories.insert_user(db, roles=("admin", "user"))
    caller = Caller(app.test_client(), user, token)
    caller.post("import.new")
    return app, db, caller


def test_too_many_users_in_one_request_are_refused():
    app, db, caller = limited_app(MAX_USERS_PER_REQUEST=5)
    people = [{"emails": [f"{n}@x.org"], "importIds": [str(n)]} for n in range(6)]
    try:
        result = send(caller, db, json.dumps({"users": people}).encode())
        assert result == invalid("must NOT have more than 5 items")
        assert caller.post("import.addUsers", json={"users": people[:5]}).status_code == 200
    finally:
        close_app(app)


@pytest.mark.parametrize("path", ["import.addUsers", "import.new", "import.run"])
def test_bodies_over_the_size_limit_are_413(path):
    app, db, caller = limited_app(MAX_BODY_BYTES=1000)
    try:
        status, body = send(caller, db, b'{"users": []}' + b" " * 1000, path=path)
    finally:
        close_app(app)
    assert status == 413
    assert body == {
        "success": False,
        "error": ("Request body too large: the limit is 1000 bytes [error-request-too-large]"),
    }


def test_a_body_under_the_limit_passes():
    app, db, caller = limited_app(MAX_BODY_BYTES=1000)
    try:
        assert send(caller, db, b'{"users": []}' + b" " * 900)[0] == 200
    finally:
        close_app(app)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-User-Id", '{"$ne": ""}'),
        ("X-Auth-Token", '{"$ne": null}'),
        ("X-User-Id", "x" * 100_000),
        ("X-Auth-Token", "\u00e9\u00ff\u0000"),
        ("X-User-Id", "[]"),
        ("X-Auth-Token", "true"),
    ],
)
def test_header_values_are_only_ever_literal_strings(client, db, admin, header, value):
    headers = {**admin.headers, header: value}
    assert client.get("/api/v1/import.status", headers=headers).status_code == 401


def test_duplicated_auth_headers_do_not_combine(client, admin):
    headers = [
        ("X-User-Id", "nobody"),
        ("X-User-Id", admin.user["_id"]),
        ("X-Auth-Token", admin.token),
    ]
    assert client.get("/api/v1/import.status", headers=headers).status_code == 401


def test_operators_in_the_query_string_are_ignored(admin):
    response = admin.get("import.status?user[$ne]=x&status[$gt]=&_id=1")
    assert response.status_code == 200
    assert response.json == {"state": "none", "success": True}


def test_the_same_file_twice_creates_nobody_the_second_time(db, admin, worker):
    people = [
        {"username": f"r{n}", "emails": [f"r{n}@example.com"], "importIds": [f"r{n}"]}
        for n in range(70)
    ]
    for _ in range(2):
        admin.post("import.new")
        admin.post("import.addUsers", json={"users": people})
        admin.post("import.run")
        worker.run_pending()
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 70
    operation = admin.get("import.status").json["operation"]
    assert operation["count"] == {"total": 70, "users": 70, "completed": 0, "error": 70}
    reasons = [r["errors"][0]["message"] for r in db.rocketchat_import_data.find()]
    assert len(reasons) == 70
    assert all(r.startswith("already imported: importId r") for r in reasons)
