"""HTTP_FORWARDED_COUNT: the client's own address behind 0, 1 or 2 reverse proxies."""

import logging

import pytest

from app.extensions.db import get_db
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.apps import make_app

PROXY = "10.0.0.1"  # the address every request connects from: the proxy's


@pytest.fixture(params=[0, 1, 2])
def forwarded_count(request):
    return request.param


@pytest.fixture
def app(forwarded_count):
    app = make_app(HTTP_FORWARDED_COUNT=forwarded_count, RATE_LIMIT_CALLS=3, LOG_LEVEL="INFO")
    with app.app_context():
        yield app


@pytest.fixture
def caller(db):
    """A user whose calls are rate limited (3 per window in these tests)."""
    factories.insert_permissions(db)
    user, token = factories.insert_user(db, roles=("user",))
    return {"X-User-Id": user["_id"], "X-Auth-Token": token}


def status_call(client, headers, forwarded_for=None):
    if forwarded_for is not None:
        headers = {**headers, "X-Forwarded-For": forwarded_for}
    response = client.get(
        "/api/v1/import.status", headers=headers, environ_base={"REMOTE_ADDR": PROXY}
    )
    return response.status_code


def seen_address(client, forwarded_for):
    """The address login protection records for a login sent with this header."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    client.post(
        "/api/v1/login",
        json={"user": "ghost", "password": "x"},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )
    return get_db().rocketchat_server_events.find_one(sort=[("_updatedAt", -1)])["ip"]


# What each number of trusted proxies makes of one header, written by a client that
# claims 6.6.6.6, passed through proxies that each appended the address they saw.
CHAINS = {
    0: ("6.6.6.6", PROXY),
    1: ("6.6.6.6, 198.51.100.1", "198.51.100.1"),
    2: ("6.6.6.6, 198.51.100.1, 192.0.2.2", "198.51.100.1"),
}


def test_the_client_is_the_address_the_trusted_proxies_name(client, forwarded_count):
    header, expected = CHAINS[forwarded_count]
    assert seen_address(client, header) == expected


def test_without_the_header_the_client_is_the_peer(client, forwarded_count):
    assert seen_address(client, None) == PROXY


@pytest.mark.parametrize("forwarded_count", [2], indirect=True)
def test_a_header_shorter_than_the_proxy_chain_is_not_trusted(client):
    assert seen_address(client, "6.6.6.6") == PROXY


@pytest.mark.parametrize("forwarded_count", [1], indirect=True)
def test_clients_behind_one_proxy_get_separate_windows(client, caller):
    first = [status_call(client, caller, "198.51.100.1") for _ in range(4)]
    second = [status_call(client, caller, "198.51.100.2") for _ in range(4)]
    assert first == second == [403, 403, 403, 429]


@pytest.mark.parametrize("forwarded_count", [0], indirect=True)
def test_with_no_proxy_trusted_a_spoofed_header_cannot_escape_the_window(client, caller):
    statuses = [status_call(client, caller, forwarded_for=f"203.0.113.{n}") for n in range(4)]
    assert statuses == [403, 403, 403, 429]


@pytest.mark.parametrize("forwarded_count", [1], indirect=True)
def test_behind_one_proxy_a_spoofed_prefix_does_not_change_the_client(client, caller):
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    statuses = [
        status_call(client, caller, forwarded_for=f"203.0.113.{n}, 198.51.100.1") for n in range(4)
    ]
    assert statuses == [403, 403, 403, 429]


@pytest.mark.parametrize("forwarded_count", [1], indirect=True)
def test_login_protection_blocks_the_client_not_the_proxy(client, db):
    insert_user_with_password(db, username="ada", roles=("user",))
    db.rocketchat_settings.insert_one(
        {"_id": "Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", "value": 2}
    )
    db.rocketchat_settings.insert_one(
        {"_id": "Block_Multiple_Failed_Logins_By_User", "value": False}
    )

    def login(client_address, password):
        return client.post(
            "/api/v1/login",
            json={"user": "ada", "password": password},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": PROXY},
        )

    for _ in range(2):
        assert login("198.51.100.1", "wrong").status_code == 401
    assert login("198.51.100.1", PASSWORD).json["error"] == "error-login-blocked-for-ip"
    assert login("198.51.100.2", PASSWORD).status_code == 200


@pytest.mark.parametrize("forwarded_count", [1], indirect=True)
def test_the_access_log_names_the_client(client, caller, caplog):
    with caplog.at_level(logging.INFO, logger="rc_bulk_import.access"):
        status_call(client, caller, forwarded_for="6.6.6.6, 198.51.100.1")
    (record,) = [r for r in caplog.records if r.name == "rc_bulk_import.access"]
    assert record.fields["client"] == "198.51.100.1"
    assert record.getMessage().endswith("from 198.51.100.1")


def test_a_negative_count_is_refused():
    from app.config import SettingsError, load_settings

    with pytest.raises(SettingsError, match="HTTP_FORWARDED_COUNT must be 0 or more"):
        load_settings({"HTTP_FORWARDED_COUNT": -1})
