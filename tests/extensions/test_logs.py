"""Logs a person can read on a terminal, JSON elsewhere, and never a token or a password."""

import json
import logging
import sys

import pytest
import requests

from app.config import load_settings
from app.extensions import logs
from app.services.passwords import digest
from app.services.tokens import hash_token
from tests.support.processes import serve, wait_for
from tests.support.wire import free_port

# The demo's personal access token: printed at startup by design (README), used here so
# that the secrets this session creates are the only other ones in play.
ADMIN = {
    "X-User-Id": "CH5vFudEketQswdDS",
    "X-Auth-Token": "ecgt-wXRuh3sjZBb7NpHGk_JFKK7RMkDv9GZ-yar4ms",
}
IMPORTED_PASSWORD = "Imported-S3cret-Pw!"
GUESS = "Wr0ng-Guess-{}"


@pytest.mark.parametrize(("tty", "expected"), [(True, "text"), (False, "json")])
def test_log_format_defaults_to_text_on_a_terminal_only(monkeypatch, tty, expected):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert load_settings()["LOG_FORMAT"] == expected


@pytest.mark.parametrize("tty", [True, False])
def test_the_log_format_setting_wins(monkeypatch, tty):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert load_settings()["LOG_FORMAT"] == "json"
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert load_settings()["LOG_FORMAT"] == "text"


def test_a_text_line_is_time_level_module_and_message():
    record = logging.LogRecord(
        "app.extensions.db", logging.WARNING, __file__, 1, "demo %s", ("ok",), None
    )
    line = logs.TextFormatter().format(record)
    time, level, rest = line.split(" ", 2)
    assert len(time) == 8 and time.count(":") == 2
    assert (level, rest) == ("WARNING", "db: demo ok")


def test_a_whole_session_logs_no_token_and_no_password(tmp_path):
    port = free_port()
    env = {"LOG_LEVEL": "DEBUG", "BCRYPT_ROUNDS": 4, "RATE_LIMIT_ENABLED": "false"}
    process = serve(port, tmp_path / "serve.log", IMPORT_WORKER="thread", **env)
    api = f"http://127.0.0.1:{port}/api/v1"
    secrets = [IMPORTED_PASSWORD]
    try:
        requests.post(f"{api}/import.new", headers=ADMIN, timeout=10).raise_for_status()
        user = {"username": "neo", "emails": ["neo@x.org"], "importIds": ["n1"]}
        body = {"users": [{**user, "password": IMPORTED_PASSWORD}]}
        requests.post(f"{api}/import.addUsers", json=body, headers=ADMIN, timeout=10)
        requests.post(f"{api}/import.run", headers=ADMIN, timeout=10).raise_for_status()

        def imported():
            state = requests.get(f"{api}/import.status", headers=ADMIN, timeout=10).json()
            return state["state"] == "done"

        wait_for(imported, 30, "the import")
        login = {"user": "neo", "password": IMPORTED_PASSWORD}
        data = requests.post(f"{api}/login", json=login, timeout=10).json()["data"]
        secrets.append(data["authToken"])
        caller = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
        assert requests.get(f"{api}/me", headers=caller, timeout=10).status_code == 200
        answers = []
        for n in range(11):
            secrets.append(GUESS.format(n))
            guess = {"user": "neo", "password": GUESS.format(n)}
            answers.append(requests.post(f"{api}/login", json=guess, timeout=10).json())
        blocked = requests.post(f"{api}/login", json=login, timeout=10).json()
        form = {"user": "neo", "password": GUESS.format("form")}
        secrets.append(form["password"])
        requests.post(f"{api}/login", data=form, timeout=10)
        requests.post(f"{api}/logout", headers=caller, timeout=10).raise_for_status()
    finally:
        process.stop()
    assert [a["message"] for a in answers[:10]] == ["Unauthorized"] * 10
    assert answers[10]["error"] == blocked["error"] == "error-login-blocked-for-user"
    text = process.log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert sum(line.get("path") == "/api/v1/login" for line in lines) == 14
    for secret in secrets:
        assert secret not in text
    # Nor their stored forms.
    assert digest(IMPORTED_PASSWORD) not in text
    assert hash_token(secrets[1]) not in text
