"""Brute-force protection on login, as Rocket.Chat's `Block_Multiple_Failed_Logins_*` does it.

Rocket.Chat counts the failed attempts of an address, and of a username, since the later of
"the unblock time ago" and that address's (username's) last successful login; at the limit it
refuses every login, the right password too, until enough failures have aged out. Attempts
are Rocket.Chat's own `rocketchat_server_events` documents, so that both count the same ones.

Unlike Rocket.Chat, the count cannot be outrun by concurrent attempts: each attempt is
recorded first, then counted, and passes only while the count, itself included, is within
the limit. Of any set of concurrent attempts, the k-th recorded sees at least k, so however
many processes race, no more than the limit are ever judged on their password.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from app.errors import LoginBlocked
from app.models import server_events, settings
from app.services import clock

_PREFIX = "Block_Multiple_Failed_Logins_"

# Rocket.Chat's setting ids and defaults.
DEFAULTS = {
    f"{_PREFIX}Enabled": True,
    f"{_PREFIX}By_User": True,
    f"{_PREFIX}Attempts_Until_Block_by_User": 10,
    f"{_PREFIX}Time_To_Unblock_By_User_In_Minutes": 5,
    f"{_PREFIX}By_Ip": True,
    f"{_PREFIX}Attempts_Until_Block_By_Ip": 50,
    f"{_PREFIX}Time_To_Unblock_By_Ip_In_Minutes": 5,
    f"{_PREFIX}Ip_Whitelist": "",
}


@dataclass(frozen=True)
class Limit:
    """Block after `attempts` failures within `minutes` (0 attempts: never block)."""

    attempts: int
    minutes: float


@dataclass(frozen=True)
class Policy:
    """The protection settings, read once per login."""

    enabled: bool
    by_user: Limit | None
    by_ip: Limit | None
    whitelist: frozenset

    @classmethod
    def read(cls, db):
        """Read the settings from rocketchat_settings, Rocket.Chat's default for each absent."""
        value = {**DEFAULTS, **settings.values_of(db, DEFAULTS)}

        def limit(kind, attempts, minutes):
            # Truthiness, as Rocket.Chat reads its settings: only a false-like value turns
            # a protection off, never a value of an unexpected type.
            if not value[f"{_PREFIX}By_{kind}"]:
                return None
            return Limit(
                int(_number(value[f"{_PREFIX}{attempts}"], DEFAULTS[f"{_PREFIX}{attempts}"])),
                _number(value[f"{_PREFIX}{minutes}"], DEFAULTS[f"{_PREFIX}{minutes}"]),
            )

        whitelist = value[f"{_PREFIX}Ip_Whitelist"]
        return cls(
            enabled=bool(value[f"{_PREFIX}Enabled"]),
            by_user=limit(
                "User", "Attempts_Until_Block_by_User", "Time_To_Unblock_By_User_In_Minutes"
            ),
            by_ip=limit("Ip", "Attempts_Until_Block_By_Ip", "Time_To_Unblock_By_Ip_In_Minutes"),
            # Rocket.Chat splits on commas only; spaces after them are forgiven here.
            whitelist=frozenset(part.strip() for part in str(whitelist).split(",") if part.strip()),
        )


def _number(value, default):
    # A setting edited by hand may hold a string or garbage: fall back to the default.
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) and number >= 0 else default


def subject_of(user, name):
    """Return the `u` of an attempt: the user found, else the name it was tried for.

    Counting a known user under its stored username (whether the caller gave it in another
    case, or an email) and an unknown name under its lower-case form blocks both after the
    same number of tries, so that a block never tells whether the user exists.
    """
    if user is not None:
        subject = {"_id": user["_id"]}
        if user.get("username"):
            subject["username"] = user["username"]
        return subject
    return {"username": name.lower()} if isinstance(name, str) and name else {}


class Attempt:
    """One login attempt being judged; `succeeded` turns its record into a login event."""

    def __init__(self):
        self.user = None

    def succeeded(self, user):
        """Note that this attempt logged `user` in."""
        self.user = user


@contextmanager
def guarded(db, *, ip, subject):
    """Record a login attempt, refuse it with LoginBlocked if over a limit, else let the
    block run; an exception leaves it counted as failed, a `succeeded` call as a login."""
    policy = Policy.read(db)
    if not policy.enabled:
        yield Attempt()
        return
    now = clock.now()
    event_id = server_events.insert_failed(db, ip=ip, user=subject, now=now)
    reason = _blocked(db, policy, ip, subject.get("username"), now)
    if reason == "user":
        # Rocket.Chat does not record refusals of a blocked user (it does for an address).
        server_events.delete(db, event_id)
    if reason:
        raise LoginBlocked(reason)
    attempt = Attempt()
    yield attempt
    if attempt.user is not None:
        server_events.mark_successful(db, event_id, subject_of(attempt.user, None), clock.now())


def _blocked(db, policy, ip, username, now):
    if policy.by_ip and ip not in policy.whitelist and _over(db, policy.by_ip, "ip", ip, now):
        return "ip"
    if policy.by_user and username and _over(db, policy.by_user, "username", username, now):
        return "user"
    return None


def _over(db, limit, by, value, now):
    if not limit.attempts:
        return False  # misconfigured, as Rocket.Chat reads it: no block
    since = now - timedelta(minutes=limit.minutes)
    last_login = server_events.last_login_at(db, by, value)
    if last_login is not None and last_login > since:
        since = last_login  # a successful login starts the count again
    return server_events.count_failed_since(db, by, value, since) > limit.attempts
