"""seed --export of a dump into MONGO_URL, `token create`, `serve --token-for`: the ways in."""

import contextlib
import json
import logging
import re

import pymongo
import pytest
import requests

from app import close_app
from app.services.tokens import hash_token
from app.serving import server
from tests.support import dumps
from tests.support.apps import make_app, run_server_command
from tests.support.dumps import make
from tests.support.processes import Process, wait_for
from tests.support.wire import free_port

TOKEN_LINE = re.compile(r"X-User-Id: (\S+)\n  X-Auth-Token: (\S+)")


@contextlib.contextmanager
def database(url):
    with pymongo.MongoClient(url) as client:
        yield client.get_default_database()


def import_status(url, user_id, token):
    app = make_app(MONGO_URL=url)
    try:
        headers = {"X-User-Id": user_id, "X-Auth-Token": token}
        return app.test_client().get("/api/v1/import.status", headers=headers)
    finally:
        close_app(app)


@pytest.mark.wire
def test_seed_restores_a_dump_with_its_indexes_and_refuses_a_second_time(wire_url, tmp_path):
    parties = {**dumps.rocketchat(users=5), "rocketchat_message": ({}, [{"_id": "m1"}])}
    path = make("archive.gz", tmp_path, {"parties": parties})
    result = run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    assert "users=5" in result.output and "rocketchat_settings=2" in result.output
    assert "rocketchat_message=1" in result.output  # a restore: every collection
    with database(wire_url) as db:
        indexes = {index["name"]: index for index in db.users.list_indexes()}
    assert indexes["username_1"]["unique"] is True and indexes["username_1"]["sparse"] is True
    assert indexes["username_insensitive"]["collation"]["strength"] == 2
    assert indexes["active_1_lastLogin_1"]["partialFilterExpression"] == {"active": True}
    again = run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url)
    assert (again.exit_code, "nothing written" in again.output) == (0, True)
    with database(wire_url) as db:
        db.users.delete_one({"username": "user_1"})
    refused = run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url)
    assert refused.exit_code == 2
    assert "refusing to overwrite, nothing written: documents already exist in" in refused.output
    with database(wire_url) as db:
        assert db.users.count_documents({}) == 4


@pytest.mark.wire
def test_seed_of_a_bad_dump_writes_nothing(wire_url, tmp_path):
    path = tmp_path / "db.dump"
    path.write_bytes(
        dumps.archive({"rocketchat": dumps.rocketchat()}, crc_of={"rocketchat.users": 7})
    )
    result = run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url)
    assert result.exit_code == 2
    assert "cannot load the export, nothing written" in result.output
    assert "wrong CRC-64 for rocketchat.users" in result.output
    with database(wire_url) as db:
        assert db.list_collection_names() == []


@pytest.mark.wire
def test_token_create_makes_a_personal_access_token_as_rocketchat_stores_it(
    wire_url, tmp_path, caplog
):
    path = make("folder", tmp_path, {"rocketchat": dumps.rocketchat()})
    assert run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url).exit_code == 0
    with caplog.at_level(logging.DEBUG):
        result = run_server_command(
            ["token", "create", "--user", dumps.ADMIN_USERNAME, "--name", "migration"],
            MONGO_URL=wire_url,
        )
    assert result.exit_code == 0, result.output
    user_id, token = TOKEN_LINE.search(result.output).groups()
    assert user_id == dumps.ADMIN_ID and token not in caplog.text
    with database(wire_url) as db:
        (stored,) = db.users.find_one({"_id": user_id})["services"]["resume"]["loginTokens"]
    assert stored.keys() == {
        "hashedToken",
        "type",
        "createdAt",
        "lastTokenPart",
        "name",
        "bypassTwoFactor",
    }
    assert stored["hashedToken"] == hash_token(token) and len(token) == 43
    assert (stored["type"], stored["name"], stored["lastTokenPart"]) == (
        "personalAccessToken",
        "migration",
        token[-6:],
    )
    assert stored["bypassTwoFactor"] is False
    assert import_status(wire_url, user_id, token).json["state"] == "done"
    twice = run_server_command(
        ["token", "create", "--user", dumps.ADMIN_USERNAME, "--name", "migration"],
        MONGO_URL=wire_url,
    )
    assert twice.exit_code == 2
    assert "already has a token named 'migration': choose another with --name" in twice.output


def test_token_create_needs_mongo_url():
    result = run_server_command(["token", "create", "--user", "admin"])
    assert result.exit_code == 2
    assert "MONGO_URL is not set: token create works on a real MongoDB" in result.output


@pytest.mark.wire
def test_token_create_for_an_unknown_user_is_refused(wire_url):
    result = run_server_command(["token", "create", "--user", "nobody"], MONGO_URL=wire_url)
    assert result.exit_code == 2
    assert "error: no user with the username or _id 'nobody'" in result.output


@pytest.fixture
def started(monkeypatch):
    """Catch what `serve` would hand gunicorn to build its app in the worker, instead of
    serving it."""
    builders = []
    monkeypatch.setattr(server, "run", lambda build, host, port: builders.append(build))
    return builders


def test_serve_token_for_prints_a_token_once_and_never_logs_it(tmp_path, started, caplog):
    path = make("tar.gz", tmp_path, {"parties": dumps.rocketchat()})
    with caplog.at_level(logging.DEBUG):
        result = run_server_command(
            ["serve", "--export", str(path), "--token-for", dumps.ADMIN_USERNAME],
            IMPORT_WORKER="off",
        )
    assert result.exit_code == 0, result.output
    user_id, token = TOKEN_LINE.search(result.output).groups()
    assert token not in caplog.text and hash_token(token) not in caplog.text
    headers = {"X-User-Id": user_id, "X-Auth-Token": token}
    with caplog.at_level(logging.DEBUG):
        app = started[0]()  # as gunicorn's worker builds it
        answer = app.test_client().get("/api/v1/import.status", headers=headers)
    close_app(app)
    assert answer.json["state"] == "done"
    assert token not in caplog.text


def test_serve_token_for_an_unknown_user_does_not_start(tmp_path, started):
    path = make("archive", tmp_path, {"rocketchat": dumps.rocketchat()})
    result = run_server_command(["serve", "--export", str(path), "--token-for", "ghost"])
    assert result.exit_code == 2
    assert "not starting: no user with the username or _id 'ghost'" in result.output
    assert started == []


@pytest.mark.wire
def test_serve_token_for_on_mongo_url_points_to_token_create(wire_url, started):
    result = run_server_command(
        ["serve", "--token-for", "admin"], MONGO_URL=wire_url, IMPORT_WORKER="off"
    )
    assert result.exit_code == 2
    assert "--token-for works on the embedded database; on MONGO_URL use `token create`" in (
        result.output
    )
    assert started == []


def test_serve_export_on_mongo_url_points_to_seed(tmp_path, started):
    path = make("archive", tmp_path, {"rocketchat": dumps.rocketchat()})
    result = run_server_command(
        ["serve", "--export", str(path)], MONGO_URL="mongodb://127.0.0.1:1/rocketchat"
    )
    assert result.exit_code == 2
    assert "on MONGO_URL use `seed --export`" in result.output and started == []


def test_serve_on_gunicorn_loads_the_dump_and_its_worker_holds_the_token(tmp_path):
    path = make("archive.gz", tmp_path, {"parties": dumps.rocketchat()})
    port, log = free_port(), tmp_path / "serve.log"
    args = ["serve", "--port", str(port), "--export", str(path)]
    process = Process([*args, "--token-for", dumps.ADMIN_USERNAME], log, IMPORT_WORKER="off")
    try:
        url = f"http://127.0.0.1:{port}/api/v1/import.status"
        wait_for(lambda: _answers(url), 30, "the API")
        user_id, token = TOKEN_LINE.search(log.read_text()).groups()
        headers = {"X-User-Id": user_id, "X-Auth-Token": token}
        assert requests.get(url, headers=headers, timeout=10).json()["state"] == "done"
        assert "loaded from the gzipped mongodump archive" in log.read_text()
        assert [line for line in process.log_lines() if token in json.dumps(line)] == []
    finally:
        process.stop()
    assert log.read_text().count(token) == 1


def _answers(url):
    try:
        return requests.get(url, timeout=1).status_code == 401
    except requests.ConnectionError:
        return False


def test_serve_token_for_a_user_with_a_bulk_import_token_already(tmp_path, started):
    rocketchat = dumps.rocketchat()
    admin = rocketchat["users"][1][0]
    admin["services"]["resume"]["loginTokens"] = [
        {"hashedToken": hash_token("old"), "type": "personalAccessToken", "name": "bulk-import"}
    ]
    path = make("archive", tmp_path, {"rocketchat": rocketchat})
    result = run_server_command(["serve", "--export", str(path), "--token-for", "dumpadmin"])
    assert result.exit_code == 0, result.output
    user_id, token = TOKEN_LINE.search(result.output).groups()
    app = started[0]()
    answer = app.test_client().get(
        "/api/v1/import.status", headers={"X-User-Id": user_id, "X-Auth-Token": token}
    )
    close_app(app)
    assert answer.status_code == 200
