"""Brute-force protection on login: Rocket.Chat's "[Failed Login Attempts]" cases, and more.

The clock is ours to move, so Rocket.Chat's sleeps (3 s for a user, 8 s for an address)
cost nothing here; the same limits as its end-to-end test are used (2 per user, 4 per address).
"""

import json
import re
from datetime import datetime, timedelta

import pytest

from app.services import clock
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.apps import make_app

WRONG = {"success": False, "error": "Unauthorized", "status": "error", "message": "Unauthorized"}
DETAILS = {"function": "Accounts.validateLoginAttempt"}
BLOCKED_FOR_USER = (
    b'{"success":false,"error":"error-login-blocked-for-user","status":"error",'
    b'"details":{"function":"Accounts.validateLoginAttempt"},'
    b'"message":"Login has been temporarily blocked For User"}'
)
BLOCKED_FOR_IP = {
    "success": False,
    "error": "error-login-blocked-for-ip",
    "status": "error",
    "details": DETAILS,
    "message": "Login has been temporarily blocked For IP",
}
USER_LIMIT, IP_LIMIT = 2, 4
USER_BLOCK, IP_BLOCK = timedelta(seconds=3), timedelta(seconds=8)
TICK = timedelta(milliseconds=1)  # a failure exactly the block time old still counts


@pytest.fixture
def app():
    """The app without its rate limiter, which would answer 429 before the 11th login."""
    app = make_app(RATE_LIMIT_ENABLED=False)
    with app.app_context():
        yield app


class FakeClock:
    """clock.now(), moving a millisecond per reading (as a busy server's would), or more."""

    def __init__(self):
        self.value = datetime(2026, 12, 1, 9, 0, 0)

    def now(self):
        """Return the current fake time, then move it on by a millisecond."""
        self.value += TICK
        return self.value - TICK

    def sleep(self, delta):
        """Move the time on."""
        self.value += delta


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


def set_settings(db, **values):
    for name, value in values.items():
        db.rocketchat_settings.replace_one(
            {"_id": f"Block_Multiple_Failed_Logins_{name}"},
            {"_id": f"Block_Multiple_Failed_Logins_{name}", "value": value},
            upsert=True,
        )


@pytest.fixture
def limits(db, fake_clock):
    """Rocket.Chat's end-to-end settings: 2 per user for 3 s, 4 per address for 8 s."""
    factories.insert_permissions(db)
    factories.insert_roles(db)
    set_settings(
        db,
        Attempts_Until_Block_by_User=USER_LIMIT,
        Time_To_Unblock_By_User_In_Minutes=USER_BLOCK.total_seconds() / 60,
        Attempts_Until_Block_By_Ip=IP_LIMIT,
        Time_To_Unblock_By_Ip_In_Minutes=IP_BLOCK.total_seconds() / 60,
    )
    return fake_clock


def new_user(db, name):
    user, _ = insert_user_with_password(db, username=name, roles=("user",))
    return user


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        "/api/v1/login",
        json={"user": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def should_fail(client, username, **kwargs):
    response = log_in(client, username, f"{PASSWORD}-incorrect", **kwargs)
    assert (response.status_code, response.json) == (401, WRONG)


def should_succeed(client, username, **kwargs):
    response = log_in(client, username, PASSWORD, **kwargs)
    assert response.status_code == 200, response.json
    assert response.json["data"]["authToken"]


def should_block(client, username, reason, **kwargs):
    response = log_in(client, username, PASSWORD, **kwargs)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    if reason == "user":
        assert response.data == BLOCKED_FOR_USER
    else:
        assert response.json == BLOCKED_FOR_IP


def fail_max_attempts(client, username, **kwargs):
    for _ in range(USER_LIMIT):
        should_fail(client, username, **kwargs)


@pytest.fixture
def three_users(db, limits):
    """ada, bob and cyd, as Rocket.Chat's [Block by IP] cases create them."""
    for name in ("ada", "bob", "cyd"):
        new_user(db, name)
    return limits


def fail_the_address_limit(client):
    """Reach the address limit (4) with two users' failures, as Rocket.Chat's cases do."""
    fail_max_attempts(client, "ada")
    fail_max_attempts(client, "bob")


# [Failed Login Attempts] [Block by User] (the address limit is off there)


@pytest.fixture
def by_user(db, limits):
    set_settings(db, By_Ip=False)
    return limits


def test_blocks_a_user_when_the_limit_of_failed_attempts_is_reached(client, db, by_user):
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")


def test_unblocks_the_user_after_the_block_time(client, db, by_user):
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")
    by_user.sleep(USER_BLOCK + TICK)
    should_succeed(client, "ada")


def test_a_successful_login_resets_the_users_count(client, db, by_user):
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")
    by_user.sleep(USER_BLOCK + TICK)
    should_fail(client, "ada")
    should_succeed(client, "ada")
    fail_max_attempts(client, "ada")  # two more failures, answered, not blocked
    should_block(client, "ada", "user")


def test_counts_failed_attempts_per_user(client, db, by_user):
    new_user(db, "ada")
    new_user(db, "bob")
    fail_max_attempts(client, "ada")
    should_fail(client, "bob")
    should_succeed(client, "bob")


# [Failed Login Attempts] [Block by IP]


def test_blocks_an_address_trying_one_user(client, db, limits):
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    limits.sleep(USER_BLOCK + TICK)
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "ip")


@pytest.mark.usefixtures("three_users")
def test_blocks_an_address_trying_several_users(client, db, limits):
    fail_the_address_limit(client)
    should_block(client, "cyd", "ip")


@pytest.mark.usefixtures("three_users")
def test_unblocks_the_address_after_the_block_time(client, db, limits):
    fail_the_address_limit(client)
    should_block(client, "cyd", "ip")
    limits.sleep(IP_BLOCK + TICK)
    should_succeed(client, "cyd")


@pytest.mark.usefixtures("three_users")
def test_a_successful_login_resets_the_addresss_count(client, db, limits):
    fail_the_address_limit(client)
    limits.sleep(IP_BLOCK + TICK)
    should_fail(client, "cyd")
    should_succeed(client, "cyd")
    fail_the_address_limit(client)
    should_block(client, "cyd", "ip")


# Beyond Rocket.Chat's test


@pytest.mark.usefixtures("three_users")
def test_another_address_is_not_blocked_by_an_address_block(client, db, limits):
    fail_the_address_limit(client)
    should_block(client, "cyd", "ip")
    should_succeed(client, "cyd", address="192.0.2.7")


@pytest.mark.usefixtures("three_users")
def test_a_whitelisted_address_is_never_blocked_by_address(client, db, limits):
    set_settings(db, Ip_Whitelist="10.0.0.1, 127.0.0.1")
    fail_the_address_limit(client)
    should_succeed(client, "cyd")


def test_a_blocked_user_is_blocked_from_every_address(client, db, by_user):
    new_user(db, "ada")
    fail_max_attempts(client, "ada", address="192.0.2.1")
    should_block(client, "ada", "user", address="192.0.2.2")


def test_an_unknown_username_is_blocked_the_same_way(client, db, by_user):
    fail_max_attempts(client, "nobody")
    should_block(client, "nobody", "user")
    should_block(client, "NoBody", "user")


def test_other_spellings_of_a_known_user_share_its_count(client, db, by_user):
    user = new_user(db, "ada")
    should_fail(client, "ADA")
    should_fail(client, user["emails"][0]["address"])
    should_block(client, "ada", "user")


def test_the_default_settings_block_a_user_at_the_eleventh_attempt(client, db, fake_clock):
    new_user(db, "ada")
    for _ in range(10):
        should_fail(client, "ada")
    should_block(client, "ada", "user")
    fake_clock.sleep(timedelta(minutes=5) + TICK)
    should_succeed(client, "ada")


def test_nothing_is_recorded_or_blocked_when_protection_is_off(client, db, by_user):
    set_settings(db, Enabled=False)
    new_user(db, "ada")
    for _ in range(USER_LIMIT + 2):
        should_fail(client, "ada")
    should_succeed(client, "ada")
    assert db.rocketchat_server_events.count_documents({}) == 0


def test_a_setting_of_an_unexpected_type_does_not_turn_protection_off(client, db, by_user):
    set_settings(db, By_User="yes")
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")


def test_a_zero_limit_never_blocks(client, db, by_user):
    set_settings(db, Attempts_Until_Block_by_User=0)
    new_user(db, "ada")
    for _ in range(USER_LIMIT + 2):
        should_fail(client, "ada")
    should_succeed(client, "ada")


def test_a_garbled_limit_falls_back_to_rocket_chats_default(client, db, by_user):
    set_settings(db, Attempts_Until_Block_by_User="many")
    new_user(db, "ada")
    for _ in range(10):
        should_fail(client, "ada")
    should_block(client, "ada", "user")


def test_events_have_rocket_chats_shape(client, db, by_user):
    user = new_user(db, "ada")
    should_fail(client, "ada", address="192.0.2.9")
    should_fail(client, "ghost")
    should_succeed(client, "ada")
    failed, unknown, login = db.rocketchat_server_events.find().sort("_updatedAt", 1)
    assert failed == {
        "_id": failed["_id"],
        "t": "failed-login-attempt",
        "ts": failed["ts"],
        "ip": "192.0.2.9",
        "u": {"_id": user["_id"], "username": "ada"},
        "_updatedAt": failed["ts"],
    }
    assert failed["ts"] < unknown["ts"] < login["ts"] <= by_user.now()
    assert re.fullmatch("[0-9a-f]{24}", failed["_id"])  # an ObjectId's hex, as Rocket.Chat's
    assert (unknown["t"], unknown["u"]) == ("failed-login-attempt", {"username": "ghost"})
    assert (login["t"], login["ip"]) == ("login", "127.0.0.1")
    assert login["u"] == {"_id": user["_id"], "username": "ada"}


@pytest.mark.usefixtures("three_users")
def test_a_blocked_users_refusals_are_not_recorded_an_addresss_are(client, db, limits):
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")
    assert db.rocketchat_server_events.count_documents({}) == USER_LIMIT
    fail_max_attempts(client, "bob")
    should_block(client, "cyd", "ip")
    assert db.rocketchat_server_events.count_documents({}) == IP_LIMIT + 1


def test_a_blocked_login_creates_no_token(client, db, by_user):
    user = new_user(db, "ada")
    fail_max_attempts(client, "ada")
    should_block(client, "ada", "user")
    assert len(db.users.find_one({"_id": user["_id"]})["services"]["resume"]["loginTokens"]) == 1


def test_failed_resume_tokens_count_against_the_address(client, db, limits):
    new_user(db, "ada")
    for _ in range(IP_LIMIT):
        response = client.post("/api/v1/login", json={"resume": "not a token"})
        assert (response.status_code, response.json) == (401, WRONG)
    should_block(client, "ada", "ip")
    events = list(db.rocketchat_server_events.find({}, {"_id": 0, "u": 1}))
    assert events[0] == {"u": {}}


def test_a_blocked_answer_reveals_no_more_for_a_known_user(client, db, by_user):
    new_user(db, "ada")
    fail_max_attempts(client, "ada")
    fail_max_attempts(client, "ghost")
    known = log_in(client, "ada", "anything")
    unknown = log_in(client, "ghost", "anything")
    assert known.data == unknown.data == BLOCKED_FOR_USER
    assert json.loads(known.data)["error"] == "error-login-blocked-for-user"
