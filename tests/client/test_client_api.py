"""The importer's HTTP client against a scripted HTTP server: retries, errors, credentials."""

import json
import threading
import time

import pytest
from werkzeug.serving import make_server

from app.client.api import ApiError, RocketChat, Unreachable
from tests.support.wire import free_port

OK = ("200 OK", [], {"success": True})


class ScriptedServer:
    """An HTTP server that answers each request with the next scripted answer."""

    def __init__(self, answers):
        self.answers, self.requests = list(answers), []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.requests.append(
            {
                "method": environ["REQUEST_METHOD"],
                "path": environ["PATH_INFO"],
                "query": environ["QUERY_STRING"],
                "token": environ.get("HTTP_X_AUTH_TOKEN"),
                "body": json.loads(body) if body else None,
            }
        )
        status, headers, answer = self.answers.pop(0)
        start_response(status, [("Content-Type", "application/json"), *headers])
        return [json.dumps(answer).encode()]


@pytest.fixture
def serve():
    servers = []

    def start(*answers):
        script = ScriptedServer(answers)
        server = make_server("127.0.0.1", 0, script, threaded=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        waits = []
        client = RocketChat(f"http://127.0.0.1:{server.server_port}", sleep=waits.append)
        return client, script, waits

    yield start
    for server in servers:
        server.shutdown()


def test_a_429_is_retried_when_the_limit_resets(serve):
    reset = str(int((time.time() + 7) * 1000))
    limited = ("429 Too Many Requests", [("X-RateLimit-Reset", reset)], {"success": False})
    client, script, waits = serve(limited, OK)
    client.add_users([{"emails": ["a@x.org"], "importIds": ["1"]}])
    assert len(script.requests) == 2
    assert script.requests[0]["body"] == script.requests[1]["body"]
    assert 5 < waits[0] <= 7


def test_a_429_without_a_reset_header_waits_as_its_message_says(serve):
    message = "Error, too many requests. Please slow down. You must wait 12 seconds before"
    client, _, waits = serve(("429 Too Many Requests", [], {"error": message}), OK)
    client.import_run()
    assert waits == [12]


def test_a_read_is_retried_after_a_503(serve):
    client, script, _ = serve(("503 Service Unavailable", [], {"success": False}), OK)
    assert client.import_status() == {"success": True}
    assert len(script.requests) == 2


def test_a_write_is_not_retried_after_a_503(serve):
    client, script, _ = serve(("503 Service Unavailable", [], {"success": False, "error": "down"}))
    with pytest.raises(ApiError) as raised:
        client.import_new()
    assert (raised.value.status, raised.value.error) == (503, "down")
    assert len(script.requests) == 1


def test_a_refusal_carries_rocket_chats_words(serve):
    body = {
        "success": False,
        "error": "must be number [invalid-params]",
        "errorType": "invalid-params",
    }
    client, _, _ = serve(("400 Bad Request", [], body))
    with pytest.raises(ApiError) as raised:
        client.add_users([{}])
    error = raised.value
    assert (error.route, error.status, error.error_type) == (
        "import.addUsers",
        400,
        "invalid-params",
    )
    assert str(error) == "must be number (import.addUsers answered 400, invalid-params)"


def test_login_sends_user_and_password_then_uses_the_new_token(serve):
    data = {"userId": "u1", "authToken": "t1", "me": {"username": "ann"}}
    client, script, _ = serve(("200 OK", [], {"status": "success", "data": data}), OK, OK)
    assert client.login("ann", "pw") == {"username": "ann"}
    client.import_status()
    client.logout()
    assert script.requests[0]["body"] == {"user": "ann", "password": "pw"}
    assert [r["token"] for r in script.requests] == [None, "t1", "t1"]
    assert script.requests[2]["path"] == "/api/v1/logout"


def test_logout_leaves_a_token_it_did_not_create(serve):
    client, script, _ = serve()
    client.use_token("u1", "given")
    client.logout()
    assert script.requests == []


def test_failed_users_are_read_page_by_page(serve):
    def page(offset, names, total):
        users = [{"data": {"username": n}, "errors": [{"message": "x"}]} for n in names]
        body = {"users": users, "count": len(users), "offset": offset, "total": total}
        return ("200 OK", [], {**body, "success": True})

    client, script, _ = serve(page(0, ["a", "b"], 3), page(2, ["c"], 3))
    assert [u["data"]["username"] for u in client.failed_users()] == ["a", "b", "c"]
    assert [r["query"] for r in script.requests] == ["offset=0&count=100", "offset=2&count=100"]


@pytest.mark.parametrize(
    "url", ["http://h:3000", "http://h:3000/", "http://h:3000/api/v1", "http://h:3000/api/v1/"]
)
def test_the_server_address_may_name_the_api(url):
    assert RocketChat(url).url == "http://h:3000"


def test_an_unreachable_server_is_reported(serve):
    client = RocketChat(f"http://127.0.0.1:{free_port()}", timeout=2, sleep=lambda s: None)
    with pytest.raises(Unreachable):
        client.import_status()


def test_a_server_that_does_not_answer_in_time_is_reported():
    release = threading.Event()

    def silent(environ, start_response):
        release.wait(5)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    server = make_server("127.0.0.1", 0, silent, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    client = RocketChat(f"http://127.0.0.1:{server.server_port}", timeout=0.2)
    try:
        with pytest.raises(Unreachable) as raised:
            client.import_run()
    finally:
        release.set()
        server.shutdown()
    assert str(raised.value) == f"{client.url}: no answer within 0.2 s"
