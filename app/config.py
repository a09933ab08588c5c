"""Settings: class defaults, overridden by the environment, overridden by test_config."""

import os
import sys


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


# Every setting the service reads from the environment, with its parser.
ENV_SETTINGS = {
    "MONGO_URL": str,
    "MONGO_TIMEOUT_MS": int,
    "LOG_LEVEL": str,
    "LOG_FORMAT": str,
    "EXPORT_DIR": str,
    "EXPORT_DB": str,
    "BCRYPT_ROUNDS": int,
    "IMPORT_WORKER": str,
    "IMPORT_BATCH_SIZE": int,
    "IMPORT_LEASE_SECONDS": float,
    "IMPORT_POLL_SECONDS": float,
    "RATE_LIMIT_ENABLED": _flag,
    "RATE_LIMIT_CALLS": int,
    "RATE_LIMIT_PERIOD_SECONDS": int,
    "RATE_LIMIT_STORAGE_URI": str,
    "MAX_BODY_BYTES": int,
    "MAX_USERS_PER_REQUEST": int,
    # the file importers (uploadImportFile, downloadPublicImportFile)
    "MAX_IMPORT_FILE_BYTES": int,
    "IMPORT_MAX_UNPACKED_BYTES": int,
    "IMPORT_MAX_ZIP_RATIO": int,
    "IMPORT_MAX_ZIP_ENTRIES": int,
    "IMPORT_URL_ALLOWLIST": _list,
    "IMPORT_DOWNLOAD_TIMEOUT_SECONDS": float,
    "IMPORT_FILE_FOLDER": str,
    "HTTP_FORWARDED_COUNT": int,
}


class Defaults:
    """Values used when neither the environment nor test_config sets them."""

    MONGO_URL = None  # no URL: the embedded in-memory database
    MONGO_TIMEOUT_MS = 5000  # how long a request waits for an unreachable MongoDB
    LOG_LEVEL = "INFO"
    LOG_FORMAT = None  # "text" or "json"; unset: text on a terminal, JSON elsewhere
    EXPORT_DIR = None  # a dump (mongodump folder, archive, tar) or mongoexport folder to load
    EXPORT_DB = None  # which database of EXPORT_DIR, when several look like Rocket.Chat's
    SEED_DEMO = True  # seed the embedded database with the demo fixtures
    BCRYPT_ROUNDS = 10
    IMPORT_WORKER = "thread"  # run imports on a thread of this process; "off": workers elsewhere
    IMPORT_BATCH_SIZE = 50  # users per batch; counts are written after each batch
    IMPORT_LEASE_SECONDS = 60.0  # a run whose worker is silent this long is taken over
    IMPORT_POLL_SECONDS = 1.0  # how often an idle worker looks for runs
    RATE_LIMIT_ENABLED = True  # Rocket.Chat's API_Enable_Rate_Limiter
    RATE_LIMIT_CALLS = 10  # calls per client, route and method...
    RATE_LIMIT_PERIOD_SECONDS = 60  # ...per window
    RATE_LIMIT_STORAGE_URI = None  # default: MONGO_URL (shared by all processes) or memory
    MAX_BODY_BYTES = 16 * 1024 * 1024  # larger bodies are refused with 413
    MAX_USERS_PER_REQUEST = 10_000  # import.addUsers refuses more in one call
    # The file importers. A file larger than this is refused at upload or download; the
    # base64 JSON body of uploadImportFile may be as large as this file needs.
    MAX_IMPORT_FILE_BYTES = 256 * 1024 * 1024
    IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a zip's entries, unpacked, in all
    IMPORT_MAX_ZIP_RATIO = 100  # unpacked / packed size of one entry: more is a zip bomb
    IMPORT_MAX_ZIP_ENTRIES = 10_000  # entries in one zip
    IMPORT_URL_ALLOWLIST = ()  # hosts or CIDRs a download may reach although internal
    IMPORT_DOWNLOAD_TIMEOUT_SECONDS = 30.0  # connect, and each wait for data
    IMPORT_FILE_FOLDER = None  # server paths downloadPublicImportFile may read; None: none
    HTTP_FORWARDED_COUNT = 0  # reverse proxies in front, trusted for X-Forwarded-For
    VERSION = "6.3.0"  # the Rocket.Chat API version clients see in /api/info


class SettingsError(ValueError):
    """A setting has a value the service cannot run with."""


# Settings restricted to a few words, and numbers that must be positive.
_CHOICES = {"IMPORT_WORKER": ("thread", "off"), "LOG_FORMAT": ("json", "text")}
_POSITIVE = (
    "MONGO_TIMEOUT_MS",
    "IMPORT_BATCH_SIZE",
    "IMPORT_LEASE_SECONDS",
    "IMPORT_POLL_SECONDS",
    "RATE_LIMIT_CALLS",
    "RATE_LIMIT_PERIOD_SECONDS",
    "MAX_BODY_BYTES",
    "MAX_USERS_PER_REQUEST",
    "MAX_IMPORT_FILE_BYTES",
    "IMPORT_MAX_UNPACKED_BYTES",
    "IMPORT_MAX_ZIP_RATIO",
    "IMPORT_MAX_ZIP_ENTRIES",
    "IMPORT_DOWNLOAD_TIMEOUT_SECONDS",
)


def load_settings(test_config=None):
    """Return the settings dict: defaults, then environment, then test_config; refuse
    values the service cannot run with, naming the setting."""
    settings = {k: v for k, v in vars(Defaults).items() if k.isupper()}
    for name, parse in ENV_SETTINGS.items():
        raw = os.environ.get(name)
        if raw not in (None, ""):
            try:
                settings[name] = parse(raw)
            except ValueError:
                raise SettingsError(f"{name}={raw!r} is not a valid value") from None
    settings.update(test_config or {})
    if settings["LOG_FORMAT"] is None:
        # A person reads a terminal; a log collector reads everything else.
        settings["LOG_FORMAT"] = "text" if sys.stderr.isatty() else "json"
    _check(settings)
    return settings


def _check(settings):
    for name, allowed in _CHOICES.items():
        if settings[name] not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
    for name in _POSITIVE:
        if not settings[name] > 0:
            raise SettingsError(f"{name} must be a positive number")
    if not 4 <= settings["BCRYPT_ROUNDS"] <= 31:
        raise SettingsError("BCRYPT_ROUNDS must be between 4 and 31")
    if settings["HTTP_FORWARDED_COUNT"] < 0:
        raise SettingsError("HTTP_FORWARDED_COUNT must be 0 or more")
