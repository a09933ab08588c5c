"""Everything that is not a success is Rocket.Chat-shaped JSON: 404, 405, 500, 503."""

import json
import logging
import time

import pytest

from app import close_app
from app.extensions.logs import JsonFormatter
from tests.support.apps import make_app


def test_unknown_route_is_json_404(client):
    response = client.get("/api/v1/import.nothing")
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.json == {"success": False, "error": "Resource not found"}


def test_unknown_route_outside_the_api_is_json_404(client):
    response = client.get("/nowhere")  # "/" is the console's redirect
    assert response.status_code == 404
    assert response.json["success"] is False


def test_unknown_route_does_not_ask_for_credentials(client):
    assert client.get("/api/v1/whatever").status_code == 404


def test_wrong_method_is_405_with_allow(client, admin):
    response = client.delete("/api/v1/import.status", headers=admin.headers)
    assert response.status_code == 405
    assert response.json == {"success": False, "error": "Method Not Allowed"}
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_unexpected_exception_is_500_without_trace(app, client, caplog):
    def explode():
        raise RuntimeError("secret internals: mongodb://user:pw@host")

    app.add_url_rule("/api/v1/boom", "boom", explode)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json == {"success": False, "error": "Internal server error"}
    assert b"secret" not in response.data and b"Traceback" not in response.data
    assert "RuntimeError" in caplog.text


def test_unreachable_database_is_503_quickly(client):
    app = make_app(
        MONGO_URL="mongodb://127.0.0.1:9/rocketchat", MONGO_TIMEOUT_MS=300, LOG_LEVEL="CRITICAL"
    )
    headers = {"X-User-Id": "someone", "X-Auth-Token": "token"}
    started = time.monotonic()
    response = app.test_client().get("/api/v1/import.status", headers=headers)
    assert time.monotonic() - started < 3
    close_app(app)
    assert response.status_code == 503
    assert response.json["success"] is False
    assert "database" in response.json["error"]


@pytest.mark.parametrize("path", ["/api/info", "/api/v1/import.status"])
def test_every_response_carries_a_request_id(client, path):
    assert len(client.get(path).headers["X-Request-Id"]) == 32


def test_a_plain_client_request_id_is_echoed(client):
    response = client.get("/api/info", headers={"X-Request-Id": "abc123"})
    assert response.headers["X-Request-Id"] == "abc123"


def test_a_forged_request_id_is_replaced(client):
    response = client.get("/api/info", headers={"X-Request-Id": 'x" injected'})
    assert response.headers["X-Request-Id"] != 'x" injected'


def test_tokens_never_reach_the_logs(client, admin, caplog):
    with caplog.at_level(logging.DEBUG):
        admin.get("import.status")
        client.get("/api/v1/import.status", headers={**admin.headers, "X-Auth-Token": "wrong-tok"})
    assert caplog.text
    assert admin.token not in caplog.text and "wrong-tok" not in caplog.text
    stored = admin.user["services"]["resume"]["loginTokens"][0]["hashedToken"]
    assert stored not in caplog.text


class Lines(logging.Handler):
    """Formats each record when it is emitted, as the stderr handler does."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def test_each_request_logs_one_json_access_line_with_its_request_id(client, admin):
    handler = Lines()
    access = logging.getLogger("rc_bulk_import.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        started = time.perf_counter()
        response = admin.get("import.status")
        elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        access.removeHandler(handler)
    (line,) = handler.lines
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/import.status", 200)
    assert line["user_id"] == admin.user["_id"]
    assert 0 < line["duration_ms"] <= elapsed_ms  # this request's time, in milliseconds
