"""`bulk-import-server serve` as a real process: gunicorn, one worker process with threads."""

import os
import pty
import select
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.services import imports
from tests.support import factories
from tests.support.factories import person
from tests.support.processes import COMMAND, Process, serve, wait_for
from tests.support.wire import free_port

ADMIN = {
    "X-User-Id": "CH5vFudEketQswdDS",
    "X-Auth-Token": "1TXgBuQQsdzvd6z0_5PSZcAVfJeJz5kP-ygcK1yC5IQ",
}


@pytest.fixture
def demo(tmp_path):
    """The service on its embedded demo database, logging JSON to a file."""
    port = free_port()
    process = serve(port, tmp_path / "serve.log", IMPORT_WORKER="thread")
    yield port, process
    process.stop()


def test_serve_answers_eight_concurrent_clients(demo):
    port, process = demo

    def one_client(n):
        with requests.Session() as session:
            return [
                session.get(
                    f"http://127.0.0.1:{port}/api/v1/import.status", headers=ADMIN, timeout=30
                ).status_code
                for _ in range(5)
            ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one_client, range(8)))
    assert answers == [[200] * 5] * 8
    # One process serves them all: the embedded database is one database.
    pids = {
        line.get("message") for line in process.log_lines() if "Booting worker" in line["message"]
    }
    assert len(pids) == 1


def test_serve_is_no_development_server_and_names_no_server_software(demo):
    port, process = demo
    response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    assert response.headers["Server"] == "rc-bulk-import"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = process.log_path.read_text()
    assert "development server" not in text
    assert "Booting worker" in text


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_serve_within_seconds(tmp_path, signum):
    port = free_port()
    process = serve(port, tmp_path / "serve.log", IMPORT_WORKER="thread")
    started = time.monotonic()
    process.popen.send_signal(signum)
    process.popen.wait(15)
    stopped_after = time.monotonic() - started
    process.stop()
    assert process.popen.returncode == 0
    assert stopped_after < 8  # about 2 s; the margin is for a loaded machine
    messages = [line["message"] for line in process.log_lines()]
    assert any(m.startswith("stopped: requests in flight") for m in messages)


def test_a_request_larger_than_the_header_limit_is_refused(demo):
    port, _ = demo
    response = requests.get(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Big": "x" * 9000}, timeout=10
    )
    assert response.status_code in (400, 431)


def test_on_a_terminal_the_log_is_short_text_lines(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    leader, follower = pty.openpty()
    popen = subprocess.Popen(
        [COMMAND, "serve", "--port", str(port)],
        env={**env, "IMPORT_WORKER": "off"},
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    try:
        deadline = time.monotonic() + 30
        while b"log in with the password" not in output and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                output += os.read(leader, 65536)
    finally:
        popen.terminate()
        popen.wait(15)
        os.close(leader)
    lines = output.decode().splitlines()
    credentials = [line for line in lines if "demo credentials, admin (login token)" in line]
    assert credentials, output
    assert not any(line.lstrip().startswith("{") for line in lines)
    assert "X-Auth-Token: 1TXgBuQQsdzvd6z0_5PSZcAVfJeJz5kP-ygcK1yC5IQ" in credentials[0]
    assert len(credentials[0]) < 160


@pytest.mark.wire
def test_sigterm_finishes_the_batch_in_progress_and_hands_the_run_over(
    migrated_wire_db, wire_url, tmp_path
):
    db = migrated_wire_db
    admin, _ = factories.insert_user(db, roles=("admin",))
    operation = imports.new_operation(db, admin["_id"])
    imports.add_users(db, [person(n) for n in range(400)])
    imports.start_import(db)
    env = {"MONGO_URL": wire_url, "IMPORT_WORKER": "thread", "BCRYPT_ROUNDS": 7}
    process = serve(free_port(), tmp_path / "serve.log", **env)

    def completed():
        found = db.rocketchat_import.find_one({"_id": operation["_id"]})
        return (found.get("count") or {}).get("completed", 0)

    wait_for(lambda: completed() >= 50, 60, "the first batch")
    process.popen.send_signal(signal.SIGTERM)
    process.popen.wait(30)
    process.stop()
    stopped = db.rocketchat_import.find_one({"_id": operation["_id"]})
    assert process.popen.returncode == 0
    assert "_importLease" not in stopped
    # Stopped between batches: every user created is counted, none is half done.
    assert stopped["count"]["completed"] % 50 == 0
    created = db.users.count_documents({"importIds": {"$exists": True}})
    assert stopped["count"]["completed"] == created < 400


def test_serve_refuses_bad_settings_before_starting(tmp_path):
    process = Process(["serve", "--port", str(free_port())], tmp_path / "s.log", MONGO_TIMEOUT_MS=0)
    process.popen.wait(20)
    process.stop()
    assert process.popen.returncode == 2
    assert (
        "not starting: MONGO_TIMEOUT_MS must be a positive number" in process.log_path.read_text()
    )
