"""GET /api/v1/import.errors: the users an import could not create, and why, page by page."""

import pytest
from bson import ObjectId

from app.services.passwords import digest
from tests.support import factories
from tests.support.factories import snapshot


def person(n, **fields):
    return {"username": f"p{n}", "emails": [f"p{n}@example.com"], "importIds": [f"id{n}"], **fields}


def stage_failures(db, how_many):
    """Put failed records straight into the staging area, as a finished run leaves them."""
    ids = [str(ObjectId()) for _ in range(how_many)]
    db.rocketchat_import_data.insert_many(
        {
            "_id": record_id,
            "dataType": "user",
            "data": {**person(n), "roles": ["user"]},
            "errors": [{"message": f"reason {n}"}],
        }
        for n, record_id in enumerate(ids)
    )
    return ids


def run_import(admin, worker, users):
    admin.post("import.new")
    assert admin.post("import.addUsers", json={"users": users}).status_code == 200
    assert admin.post("import.run").status_code == 200
    assert worker.run_pending() == 1


def test_lists_each_failed_user_with_its_reason(db, admin, worker):
    factories.insert_user(db, username="taken")
    users = [
        person(1),
        person(2, username="taken"),
        person(3),
        person(4, emails=["P1@example.com"]),
    ]
    run_import(admin, worker, users)
    body = admin.get("import.errors").json
    assert [(u["data"]["username"], u["errors"]) for u in body["users"]] == [
        ("taken", [{"message": "username already in use: taken"}]),
        ("p4", [{"message": "email already in use: P1@example.com"}]),
    ]
    assert (body["count"], body["offset"], body["total"], body["success"]) == (2, 0, 2, True)


def test_a_failed_user_is_shown_as_it_was_sent(db, admin, worker):
    factories.insert_user(db, username="taken")
    sent = person(1, username="taken", name="Ann", utcOffset=2, roles=["bot"], bio="hi")
    run_import(admin, worker, [sent])
    (failed,) = admin.get("import.errors").json["users"]
    assert list(failed) == ["_id", "data", "errors"]
    assert failed["data"] == {**sent, "roles": ["bot", "user"]}


def test_never_shows_a_password_or_its_digest(db, admin, worker):
    factories.insert_user(db, username="taken")
    run_import(admin, worker, [person(1, username="taken", password="s3cret!")])
    text = admin.get("import.errors").get_data(as_text=True)
    assert "taken" in text
    assert "password" not in text and "digest" not in text
    assert "s3cret!" not in text and digest("s3cret!") not in text


def test_created_users_are_not_listed(admin, worker):
    run_import(admin, worker, [person(1), person(2)])
    assert admin.get("import.errors").data == (
        b'{"users":[],"count":0,"offset":0,"total":0,"success":true}'
    )


def test_records_waiting_to_be_imported_are_not_listed(admin):
    admin.post("import.new")
    admin.post("import.addUsers", json={"users": [person(1)]})
    assert admin.get("import.errors").json["total"] == 0


def test_without_any_operation_the_list_is_empty(admin):
    assert admin.get("import.errors").json == {
        "users": [],
        "count": 0,
        "offset": 0,
        "total": 0,
        "success": True,
    }


@pytest.mark.parametrize(
    "query, first, size",
    [
        ("", 0, 7),
        ("?count=3", 0, 3),
        ("?offset=2&count=3", 2, 3),
        ("?offset=5", 5, 2),
        ("?offset=7", 7, 0),
        ("?count=0", 0, 7),
        ("?count=-4", 0, 7),
        ("?count=2.9&offset=1.5", 1, 2),
        ("?offset=1&sort={}", 1, 6),
    ],
)
def test_pages_like_rocket_chat(db, admin, query, first, size):
    ids = stage_failures(db, 7)
    body = admin.get(f"import.errors{query}").json
    assert [u["_id"] for u in body["users"]] == ids[first : first + size]
    assert (body["count"], body["offset"], body["total"]) == (size, first, 7)


def test_the_default_page_holds_50(db, admin):
    stage_failures(db, 60)
    assert admin.get("import.errors").json["count"] == 50


def test_a_page_holds_at_most_100(db, admin):
    stage_failures(db, 120)
    body = admin.get("import.errors?count=500").json
    assert (body["count"], body["total"]) == (100, 120)


@pytest.mark.parametrize(
    "query, error",
    [
        ("?count=ten", "must be number [invalid-params]"),
        ("?offset=x", "must be number [invalid-params]"),
        ("?offset=-1", "must be >= 0 [invalid-params]"),
    ],
)
def test_a_bad_page_query_is_a_400(db, admin, query, error):
    response = admin.get(f"import.errors{query}")
    assert response.status_code == 400
    assert response.json == {"success": False, "error": error, "errorType": "invalid-params"}


def test_needs_run_import(db, regular):
    stage_failures(db, 1)
    before = snapshot(db)
    assert regular.get("import.errors").status_code == 403
    assert snapshot(db) == before


def test_needs_a_login(client, admin):
    assert client.get("/api/v1/import.errors").status_code == 401


def test_openapi_documents_import_errors(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/import.errors"]["get"]
    assert operation["x-permission"] == "run-import"
    assert {p["name"] for p in operation["parameters"]} == {"offset", "count"}


@pytest.mark.wire
def test_pages_over_real_pymongo_without_passwords(wire_app):
    from app.extensions.db import get_db
    from tests.support.apps import Caller

    db = get_db()
    factories.insert_permissions(db)
    user, token = factories.insert_user(db, roles=("admin",))
    ids = stage_failures(db, 5)
    db.rocketchat_import_data.update_many(
        {}, {"$set": {"data.password": {"digest": digest("x"), "algorithm": "sha-256"}}}
    )
    response = Caller(wire_app.test_client(), user, token).get("import.errors?offset=1&count=3")
    assert [u["_id"] for u in response.json["users"]] == ids[1:4]
    assert response.json["total"] == 5
    assert "password" not in response.get_data(as_text=True)
