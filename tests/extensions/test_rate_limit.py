"""Rate limits like Rocket.Chat's: 10 calls per 60 s per client, route and method."""

import re
import time

import pytest

from app import close_app
from app.extensions.db import get_db
from tests.support import factories
from tests.support.apps import Caller, documented_routes, make_app

MESSAGE = re.compile(
    r"Error, too many requests\. Please slow down\. You must wait (\d+) seconds before trying "
    r"this endpoint again\. \[error-too-many-requests\]"
)


@pytest.fixture
def importer(client, db, admin):
    """A user allowed to import (role `importer`) but not to bypass the rate limit."""
    db.rocketchat_permissions.update_one({"_id": "run-import"}, {"$push": {"roles": "importer"}})
    user, token = factories.insert_user(db, roles=("importer",))
    return Caller(client, user, token)


def test_the_eleventh_call_in_a_minute_is_429_with_the_exact_body(importer):
    for _ in range(10):
        assert importer.get("import.status").status_code == 200
    response = importer.get("import.status")
    assert response.status_code == 429
    assert list(response.json) == ["success", "error"]
    assert response.json["success"] is False
    seconds = int(MESSAGE.fullmatch(response.json["error"]).group(1))
    assert 1 <= seconds <= 60
    assert response.headers["X-RateLimit-Limit"] == "10"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_limited_responses_carry_the_rate_limit_headers(importer):
    before_ms = time.time() * 1000
    remaining = [
        int(importer.get("import.status").headers["X-RateLimit-Remaining"]) for _ in range(3)
    ]
    assert remaining == [9, 8, 7]
    response = importer.get("import.status")
    reset_ms = int(response.headers["X-RateLimit-Reset"])
    assert before_ms < reset_ms <= before_ms + 61_000


def test_an_admin_is_never_limited(admin):
    for _ in range(25):
        response = admin.get("import.status")
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers


def test_without_the_bypass_document_admins_are_limited_too(db, admin):
    db.rocketchat_permissions.delete_one({"_id": "api-bypass-rate-limit"})
    statuses = [admin.get("import.status").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_each_route_has_its_own_limit(importer):
    for _ in range(10):
        importer.get("import.status")
    assert importer.get("import.status").status_code == 429
    assert importer.get("getCurrentImportOperation").status_code == 200


def test_unauthenticated_calls_get_401_not_429(client, importer):
    statuses = {client.get("/api/v1/import.status").status_code for _ in range(15)}
    assert statuses == {401}


def test_429_comes_before_body_validation_and_permission(db, importer, regular):
    for caller in (importer, regular):
        for _ in range(10):
            caller.post("import.addUsers", json={})
        response = caller.post("import.addUsers", json={})
        assert response.status_code == 429
        assert MESSAGE.fullmatch(response.json["error"])


# logout would end the session its next calls count with.
LIMITED = [r for r in documented_routes(authenticated=True) if r != ("POST", "/api/v1/logout")]


@pytest.mark.parametrize(("method", "path"), LIMITED)
def test_every_authenticated_route_of_every_area_is_limited(regular, method, path):
    for _ in range(10):
        regular.client.open(path, method=method, headers=regular.headers, json={})
    response = regular.client.open(path, method=method, headers=regular.headers, json={})
    assert response.status_code == 429
    assert MESSAGE.fullmatch(response.json["error"])


def test_a_refused_call_still_counts(regular):
    statuses = [regular.get("import.status").status_code for _ in range(11)]
    assert statuses == [403] * 10 + [429]


def limited_app(**settings):
    app = make_app(**settings)
    with app.app_context():
        db = get_db()
        factories.insert_permissions(db, {"run-import": ["user"]})
        user, token = factories.insert_user(db)
    return app, Caller(app.test_client(), user, token)


def test_rate_limiting_can_be_turned_off():
    app, caller = limited_app(RATE_LIMIT_ENABLED=False)
    statuses = {caller.get("import.status").status_code for _ in range(20)}
    close_app(app)
    assert statuses == {200}


def test_the_limit_is_configurable():
    app, caller = limited_app(RATE_LIMIT_CALLS=3, RATE_LIMIT_PERIOD_SECONDS=5)
    statuses = [caller.get("import.status").status_code for _ in range(4)]
    close_app(app)
    assert statuses == [200, 200, 200, 429]


def test_public_routes_outside_the_api_are_not_limited(client):
    assert {client.get("/api/info").status_code for _ in range(15)} == {200}
    assert {client.get("/healthz").status_code for _ in range(15)} == {200}
