"""Security headers on every answer: nosniff everywhere, no-store where a secret may be."""

import pytest

from app.extensions import headers
from tests.support.accounts import PASSWORD, insert_user_with_password


def test_every_answer_says_nosniff(client, admin):
    answers = [
        client.get("/healthz"),
        client.get("/api/v1/import.status"),  # 401
        client.get("/api/v1/nowhere"),  # 404
        admin.get("import.status"),
        client.get("/api/v1/openapi.json"),
    ]
    assert [a.headers.get("X-Content-Type-Options") for a in answers] == ["nosniff"] * 5


def test_authenticated_answers_are_not_cached(admin):
    for response in (admin.get("import.status"), admin.get("me"), admin.post("import.new")):
        assert response.headers["Cache-Control"] == "no-store"


def test_a_login_answer_holding_a_token_is_not_cached(client, db, admin):
    insert_user_with_password(db, username="ada", roles=("user",))
    response = client.post("/api/v1/login", json={"user": "ada", "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_public_answers_may_be_cached(client):
    assert "Cache-Control" not in client.get("/healthz").headers


def test_no_server_banner_comes_from_the_app(client, admin):
    for response in (client.get("/healthz"), admin.get("import.status")):
        assert "Server" not in response.headers
        assert "X-Powered-By" not in response.headers


@pytest.fixture
def console_policy():
    headers.EXTRA_HEADERS_BY_PREFIX["/console"] = {"Content-Security-Policy": "default-src 'self'"}
    yield
    del headers.EXTRA_HEADERS_BY_PREFIX["/console"]


def test_pages_under_a_prefix_get_the_extra_headers_of_that_prefix(client, console_policy):
    page = client.get("/console/nothing-here")
    assert page.headers["Content-Security-Policy"] == "default-src 'self'"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in client.get("/healthz").headers
