"""A MONGO_URL the service cannot use: every command says so in one line and exits 2.

The line names MONGO_URL (password hidden), the host it tried and why; never a traceback,
never pymongo's topology dump. (An authenticated server refusing the password is in
tests/system/test_wire_auth_tls.py.)
"""

import socket
import threading

import pytest

from app.models.mongo_url import redact
from tests.support.apps import run_server_command
from tests.support.wire import free_port

COMMANDS = (["migrate"], ["seed"], ["token", "create", "--user", "admin"], ["ready"])
SECRET = "s3cr%40t-Pa55"  # percent-encoded, as a password with an @ is written in a URL


def one_line_refusal(result, url):
    """Return the one line a command printed about url; fail on anything else."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "topology" not in result.output.lower()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: MONGO_URL={redact(url)}: ")
    assert "s3cr" not in lines[0]
    return lines[0]


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers (a firewall that drops, a hung host)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_nothing_listening_is_connection_refused(command):
    port = free_port()
    url = f"mongodb://rcimport:{SECRET}@127.0.0.1:{port}/rocketchat?authSource=admin"
    line = one_line_refusal(run_server_command(command, MONGO_URL=url, MONGO_TIMEOUT_MS="800"), url)
    assert line.endswith(f"127.0.0.1:{port}: connection refused (nothing listens there)")


def test_an_unknown_host_is_named_as_such():
    url = f"mongodb://rcimport:{SECRET}@no-such-host.invalid:27017/rocketchat"
    line = one_line_refusal(run_server_command(["migrate"], MONGO_URL=url), url)
    assert "no-such-host.invalid:27017: unknown host (DNS cannot resolve it)" in line


def test_a_server_that_never_answers_is_a_timeout(silent_server):
    url = f"mongodb://127.0.0.1:{silent_server}/rocketchat"
    result = run_server_command(["migrate"], MONGO_URL=url, MONGO_TIMEOUT_MS="600")
    line = one_line_refusal(result, url)
    assert f"127.0.0.1:{silent_server}: " in line and "timeout" in line


def test_a_url_that_is_not_a_mongodb_url_says_so_without_its_password():
    url = f"mongodb://rcimport:{SECRET}@127.0.0.1:27017/rocketchat?replicaSet=rs0&w=bogus&x"
    line = one_line_refusal(run_server_command(["migrate"], MONGO_URL=url), url)
    assert "not a valid MongoDB URL" in line


def test_serve_refuses_to_start_rather_than_looking_up():
    port = free_port()
    url = f"mongodb://127.0.0.1:{port}/rocketchat"
    result = run_server_command(["serve", "--port", str(free_port())], MONGO_URL=url)
    line = one_line_refusal(result, url)
    assert line.endswith("connection refused (nothing listens there)")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mongodb://u:p%40ss@h:1/db", "mongodb://u:***@h:1/db"),
        ("mongodb://u:p@ss@h:1/db?authSource=admin", "mongodb://u:***@h:1/db?authSource=admin"),
        ("mongodb+srv://u:pw@cluster.example/db", "mongodb+srv://u:***@cluster.example/db"),
        ("mongodb://u@h:1/db", "mongodb://u@h:1/db"),
        ("mongodb://h:1/db?tls=true&tlsCertificateKeyFilePassword=pw", None),
        ("mongodb://h:1,h2:2/db?replicaSet=rs0", "mongodb://h:1,h2:2/db?replicaSet=rs0"),
    ],
)
def test_a_printed_url_never_carries_a_password(url, shown):
    redacted = redact(url)
    assert "pw" not in redacted and "p%40ss" not in redacted and "p@ss" not in redacted
    if shown is not None:
        assert redacted == shown
