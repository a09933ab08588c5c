"""Login protection over the wire, in real server processes sharing one MongoDB."""

import collections
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.processes import serve
from tests.support.wire import free_port

pytestmark = pytest.mark.wire

WRONG = "Unauthorized"
UNBLOCK_SECONDS = 3


@pytest.fixture
def db(migrated_wire_db):
    return migrated_wire_db


def set_settings(db, **values):
    for name, value in values.items():
        setting_id = f"Block_Multiple_Failed_Logins_{name}"
        db.rocketchat_settings.replace_one(
            {"_id": setting_id}, {"_id": setting_id, "value": value}, upsert=True
        )


def servers(count, wire_url, tmp_path):
    ports = [free_port() for _ in range(count)]
    env = {"MONGO_URL": wire_url, "IMPORT_WORKER": "off", "RATE_LIMIT_ENABLED": "false"}
    return ports, [serve(port, tmp_path / f"api{port}.log", **env) for port in ports]


def stop_all(processes):
    for process in processes:
        process.popen.terminate()  # all at once: each takes a second to stop
    for process in processes:
        process.stop()


def log_in(port, username, password):
    """Return what a login answered: the token, or the 401's `error`."""
    response = requests.post(
        f"http://127.0.0.1:{port}/api/v1/login",
        json={"user": username, "password": password},
        timeout=30,
    )
    if response.status_code == 200:
        return "ok"
    assert response.status_code == 401, response.text
    return response.json()["error"]


def test_eleven_failures_block_the_user_until_the_unblock_time(db, wire_url, tmp_path):
    for name in ("ada", "bob"):
        insert_user_with_password(db, username=name, roles=("user",))
    set_settings(
        db,
        Time_To_Unblock_By_User_In_Minutes=UNBLOCK_SECONDS / 60,
        Attempts_Until_Block_By_Ip=15,
        Time_To_Unblock_By_Ip_In_Minutes=UNBLOCK_SECONDS / 60,
    )
    (port,), processes = servers(1, wire_url, tmp_path)
    try:
        failures = [log_in(port, "ada", "wrong") for _ in range(10)]
        blocked = log_in(port, "ada", "wrong")
        right_password = log_in(port, "ada", PASSWORD)
        # Another user from the same address is only stopped by the address limit (15).
        other = [log_in(port, "bob", "wrong") for _ in range(5)]
        other_blocked = log_in(port, "bob", PASSWORD)
        time.sleep(UNBLOCK_SECONDS + 0.5)
        after_unblock = log_in(port, "ada", PASSWORD)
    finally:
        stop_all(processes)
    assert failures == [WRONG] * 10
    assert blocked == right_password == "error-login-blocked-for-user"
    assert other == [WRONG] * 5
    assert other_blocked == "error-login-blocked-for-ip"
    assert after_unblock == "ok"


def test_four_processes_hammering_one_username_stop_at_the_limit(db, wire_url, tmp_path):
    insert_user_with_password(db, username="ada", roles=("user",))
    set_settings(db, By_Ip=False)
    ports, processes = servers(4, wire_url, tmp_path)
    attempts = 40
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(
                pool.map(lambda n: log_in(ports[n % 4], "ada", f"guess{n}"), range(attempts))
            )
        right_password = log_in(ports[0], "ada", PASSWORD)
    finally:
        stop_all(processes)
    counted = collections.Counter(answers)
    print(f"answers of {attempts} concurrent attempts over 4 processes: {dict(counted)}")
    # Never past the limit. A concurrent burst may be stopped an attempt or two early (by
    # attempts counted while they are being refused); the guesses it did not use are then
    # left to the next attempts, so that at most 10 are ever judged on their password.
    assert 2 <= counted[WRONG] <= 10  # 8 or 9 as measured; the lower bound is loose
    assert counted["error-login-blocked-for-user"] == attempts - counted[WRONG]
    recorded = db.rocketchat_server_events.count_documents({"t": "failed-login-attempt"})
    assert recorded == counted[WRONG]
    judged = counted[WRONG] + (right_password == "ok")
    assert judged <= 10
    assert right_password == ("ok" if counted[WRONG] < 10 else "error-login-blocked-for-user")
