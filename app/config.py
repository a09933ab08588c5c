"""Settings: each written once below, with its default and a line of help; the environment
overrides the default, test_config overrides the environment.

docs/settings.md and .env.example are generated from SETTINGS (tools/settings_doc.py); a
test fails when either is out of date.
"""

import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple


def _flag(raw):
    """Parse an environment flag: 1/true/yes/on or 0/false/no/off."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a flag: {raw!r}")


def _list(raw):
    """Parse a comma-separated list into a tuple of its non-empty, trimmed items."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


PLACEHOLDER_PASSWORD = "change-me"  # .env.example's; init-database refuses it


class Setting(NamedTuple):
    """One environment variable the service reads."""

    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str
    section: str
    choices: tuple = ()  # the only values allowed, when it is one of a few words
    positive: bool = False  # a number that must be above 0
    example: str | None = None  # what .env.example proposes, when not the default


# What docker compose's MongoDB expects: the replica set its mongod starts (rs0), the user.
COMPOSE_MONGO_URL = f"mongodb://rcimport:{PLACEHOLDER_PASSWORD}@mongo:27017/rocketchat?replicaSet=rs0&authSource=admin"

_DB, _LOG, _IMPORT, _FILES, _MAIL, _SCIM, _HTTP, _RUN = (
    "Database",
    "Logs",
    "Imports",
    "File importers",
    "Invitations",
    "SCIM",
    "HTTP and rate limits",
    "Processes (gunicorn, docker compose)",
)

SETTINGS = (
    Setting(
        "MONGO_URL",
        str,
        None,
        "MongoDB URL, the database in its path (default `rocketchat`); unset: the embedded"
        " in-memory demo database. docker compose: its user and password become the"
        " application user `init-database` creates (choose a password of your own).",
        _DB,
        example=COMPOSE_MONGO_URL,
    ),
    Setting(
        "MONGO_TIMEOUT_MS",
        int,
        5000,
        "How long the workers and the commands (migrate, seed, token create) wait for a"
        " primary before they report MongoDB unreachable; a worker then retries, backing off.",
        _DB,
        positive=True,
    ),
    Setting(
        "MONGO_REQUEST_TIMEOUT_MS",
        int,
        1500,
        "How long an API request waits for a primary (a failover, an outage) before it"
        " answers 503 with Retry-After.",
        _DB,
        positive=True,
    ),
    Setting(
        "EXPORT_DIR",
        str,
        None,
        "Embedded database only: load this Rocket.Chat backup (mongodump archive, folder or"
        " tar, maybe gzipped, or a mongoexport folder) instead of the demo fixtures.",
        _DB,
    ),
    Setting(
        "EXPORT_DB",
        str,
        None,
        "Which database of EXPORT_DIR to load, when several hold `users` and"
        " `rocketchat_settings`.",
        _DB,
    ),
    Setting("LOG_LEVEL", str, "INFO", "Python log level (DEBUG, INFO, WARNING, ERROR).", _LOG),
    Setting(
        "LOG_FORMAT",
        str,
        None,
        "`json` (one object per line, with `request_id`) or `text` (one short line per"
        " event); unset: text on a terminal, JSON elsewhere.",
        _LOG,
        choices=("json", "text"),
        example="json",
    ),
    Setting("BCRYPT_ROUNDS", int, 10, "bcrypt cost of imported passwords (4 to 31).", _IMPORT),
    Setting(
        "IMPORT_WORKER",
        str,
        "thread",
        "`thread`: this process runs imports on a background thread; `off`: it never imports"
        " (a separate `bulk-import-server worker` does).",
        _IMPORT,
        choices=("thread", "off"),
    ),
    Setting(
        "IMPORT_BATCH_SIZE",
        int,
        50,
        "Users created per batch; counts are written after each batch.",
        _IMPORT,
        positive=True,
    ),
    Setting(
        "SYNC_MAX_DEACTIVATE_PERCENT",
        float,
        10.0,
        "A sync (docs/sync.md) whose plan deactivates more than this share of the active"
        " users (bots and apps aside) is refused unless forced: an empty or truncated list"
        " never deactivates everyone.",
        _IMPORT,
    ),
    Setting(
        "IMPORT_LEASE_SECONDS",
        float,
        60.0,
        "A run whose worker has been silent this long is taken over by another worker.",
        _IMPORT,
        positive=True,
    ),
    Setting(
        "IMPORT_POLL_SECONDS",
        float,
        1.0,
        "How often an idle worker looks for runs (import.run wakes a worker of the same"
        " process at once).",
        _IMPORT,
        positive=True,
    ),
    Setting(
        "IMPORT_API_DEFAULT_CHANNELS",
        _flag,
        False,
        "The API importer (import.addUsers) joins the users it creates to the default channels"
        " (Rocket.Chat's does not; its file importers do, always).",
        _IMPORT,
    ),
    Setting(
        "MAX_USERS_PER_REQUEST",
        int,
        10_000,
        "import.addUsers refuses more users in one call.",
        _IMPORT,
        positive=True,
    ),
    Setting(
        "MAX_IMPORT_FILE_BYTES",
        int,
        256 * 1024 * 1024,
        "The largest file uploadImportFile stores or downloadPublicImportFile fetches (its"
        " base64 JSON body may exceed MAX_BODY_BYTES as far as the file needs).",
        _FILES,
        positive=True,
    ),
    Setting(
        "IMPORT_MAX_UNPACKED_BYTES",
        int,
        1024 * 1024 * 1024,
        "A zip whose entries unpack to more, in all, is a zip bomb: its preparation fails.",
        _FILES,
        positive=True,
    ),
    Setting(
        "IMPORT_MAX_ZIP_RATIO",
        int,
        100,
        "An entry that unpacks to more than this many times its packed size is a zip bomb.",
        _FILES,
        positive=True,
    ),
    Setting(
        "IMPORT_MAX_ZIP_ENTRIES",
        int,
        10_000,
        "A zip with more entries is refused.",
        _FILES,
        positive=True,
    ),
    Setting(
        "IMPORT_URL_ALLOWLIST",
        _list,
        (),
        "Comma-separated hosts or CIDRs (`files.intranet,10.0.0.0/8`) downloadPublicImportFile"
        " may reach although loopback, private or link-local; empty: public addresses only.",
        _FILES,
    ),
    Setting(
        "IMPORT_DOWNLOAD_TIMEOUT_SECONDS",
        float,
        30.0,
        "A download whose server does not connect or send data for this long fails.",
        _FILES,
        positive=True,
    ),
    Setting(
        "IMPORT_FILE_FOLDER",
        str,
        None,
        "The folder downloadPublicImportFile may read server paths from (a fileUrl not"
        " starting with http); unset: server paths are refused.",
        _FILES,
    ),
    Setting(
        "MAIL_URL",
        str,
        None,
        "The SMTP server of invitation mail, instead of Rocket.Chat's SMTP settings:"
        " `smtp://user:password@host:587` (STARTTLS when offered; `?ignoreTLS=true` never,"
        " `?requireTLS=true` always) or `smtps://...:465`; unset: Rocket.Chat's `SMTP_*`.",
        _MAIL,
    ),
    Setting(
        "MAIL_CA_FILE",
        str,
        None,
        "A PEM file of the certificate authorities an SMTP server's TLS certificate may chain"
        " to; unset: the system's.",
        _MAIL,
    ),
    Setting(
        "INVITE_MAILS_PER_MINUTE",
        float,
        60.0,
        "How many invitation mails a worker sends per minute at most.",
        _MAIL,
        positive=True,
    ),
    Setting(
        "INVITE_MAX_ATTEMPTS",
        int,
        5,
        "A mail that meets a temporary failure (a 4xx answer, no connection) this many times"
        " is failed with the last reason.",
        _MAIL,
        positive=True,
    ),
    Setting(
        "INVITE_RETRY_SECONDS",
        float,
        60.0,
        "The wait before the first retry of a temporary failure; it doubles at each retry.",
        _MAIL,
        positive=True,
    ),
    Setting(
        "SMTP_TIMEOUT_SECONDS",
        float,
        30.0,
        "An SMTP server that does not connect or answer for this long is a temporary failure.",
        _MAIL,
        positive=True,
    ),
    Setting(
        "SCIM_INVITE",
        _flag,
        False,
        "Queue a set-password invitation (docs/invitations.md) for each active user with an"
        " e-mail that SCIM creates; a worker sends it.",
        _SCIM,
    ),
    Setting(
        "SCIM_RELINQUISH_ROOMS",
        _flag,
        True,
        "A user SCIM deactivates who is the last owner of a room hands it over to its"
        " longest-standing active member (Rocket.Chat's relinquish); off: refused with the"
        " rooms named, and the user stays active.",
        _SCIM,
    ),
    Setting(
        "RATE_LIMIT_ENABLED",
        _flag,
        True,
        "Rocket.Chat's API rate limiter (1/true/yes/on, 0/false/no/off).",
        _HTTP,
    ),
    Setting(
        "RATE_LIMIT_CALLS",
        int,
        10,
        "Calls allowed per client address, route and method...",
        _HTTP,
        positive=True,
    ),
    Setting(
        "RATE_LIMIT_PERIOD_SECONDS",
        int,
        60,
        "...per fixed window of this many seconds.",
        _HTTP,
        positive=True,
    ),
    Setting(
        "RATE_LIMIT_STORAGE_URI",
        str,
        None,
        "Where the rate-limit counters live; unset: MONGO_URL (shared by every process), else"
        " memory.",
        _HTTP,
    ),
    Setting(
        "MAX_BODY_BYTES",
        int,
        16 * 1024 * 1024,
        "Larger request bodies are refused with 413 before they are read.",
        _HTTP,
        positive=True,
    ),
    Setting(
        "HTTP_FORWARDED_COUNT",
        int,
        0,
        "How many reverse proxies in front append to X-Forwarded-For (Rocket.Chat's setting);"
        " 0 ignores the header.",
        _HTTP,
    ),
    Setting(
        "API_WORKERS",
        int,
        4,
        "gunicorn processes of the image's command and of compose's `api` (one when MONGO_URL"
        " is unset: each would hold its own embedded database).",
        _RUN,
        positive=True,
    ),
    Setting("API_PORT", int, 3000, "docker compose: the host port of the API.", _RUN),
    Setting(
        "MONGO_INITDB_ROOT_USERNAME",
        str,
        None,
        "docker compose: MongoDB's root user, which its image creates on the first start of"
        " its volume; only `bulk-import-server init-database` uses it.",
        _RUN,
        example="root",
    ),
    Setting(
        "MONGO_INITDB_ROOT_PASSWORD",
        str,
        None,
        "docker compose: the root user's password (required: without it MongoDB would run"
        " without authentication, and init-database refuses to start).",
        _RUN,
    ),
    Setting(
        "ROCKETCHAT_NETWORK",
        str,
        None,
        "docker-compose.rocketchat.yml: the network of the existing Rocket.Chat's compose"
        " project (`docker network ls`; `rocketchat_default` for a project named rocketchat).",
        _RUN,
    ),
)

# Values no environment variable sets (tests and the embedded database change them).
INTERNAL = {
    "SEED_DEMO": True,  # seed the embedded database with the demo fixtures
    "VERSION": "6.3.0",  # the Rocket.Chat API version clients see in /api/info
}

BY_NAME = {setting.name: setting for setting in SETTINGS}


class SettingsError(ValueError):
    """A setting has a value the service cannot run with."""


def defaults():
    """Return every setting at its default."""
    return {**{s.name: s.default for s in SETTINGS}, **INTERNAL}


def load_settings(test_config=None):
    """Return the settings dict: defaults, then environment, then test_config; refuse
    values the service cannot run with, naming the setting."""
    settings = defaults()
    for setting in SETTINGS:
        raw = os.environ.get(setting.name)
        if raw not in (None, ""):
            try:
                settings[setting.name] = setting.parse(raw)
            except ValueError:
                raise SettingsError(f"{setting.name}={raw!r} is not a valid value") from None
    settings.update(test_config or {})
    if settings["LOG_FORMAT"] is None:
        # A person reads a terminal; a log collector reads everything else.
        settings["LOG_FORMAT"] = "text" if sys.stderr.isatty() else "json"
    _check(settings)
    return settings


def _check(settings):
    for setting in SETTINGS:
        value = settings[setting.name]
        if setting.choices and value not in setting.choices:
            raise SettingsError(f"{setting.name} must be one of {', '.join(setting.choices)}")
        if setting.positive and not value > 0:
            raise SettingsError(f"{setting.name} must be a positive number")
    if not 4 <= settings["BCRYPT_ROUNDS"] <= 31:
        raise SettingsError("BCRYPT_ROUNDS must be between 4 and 31")
    if settings["HTTP_FORWARDED_COUNT"] < 0:
        raise SettingsError("HTTP_FORWARDED_COUNT must be 0 or more")
