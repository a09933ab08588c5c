"""Settings: class defaults, overridden by the environment, overridden by test_config."""

import os

# Every setting the service reads from the environment, with its parser.
_ENV_PARSERS = {
    "MONGO_URL": str,
    "MONGO_TIMEOUT_MS": int,
    "LOG_LEVEL": str,
    "LOG_FORMAT": str,
    "EXPORT_DIR": str,
    "BCRYPT_ROUNDS": int,
}


class Defaults:
    """Values used when neither the environment nor test_config sets them."""

    MONGO_URL = None  # no URL: the embedded in-memory database
    MONGO_TIMEOUT_MS = 5000  # how long a request waits for an unreachable MongoDB
    LOG_LEVEL = "INFO"
    LOG_FORMAT = "json"  # or "text" for reading by eye
    EXPORT_DIR = None  # a mongoexport folder to load into the embedded database
    SEED_DEMO = True  # seed the embedded database with the demo fixtures
    BCRYPT_ROUNDS = 10
    VERSION = "6.3.0"  # the Rocket.Chat API version clients see in /api/info


def load_settings(test_config=None):
    """Return the settings dict: defaults, then environment, then test_config."""
    settings = {k: v for k, v in vars(Defaults).items() if k.isupper()}
    for name, parse in _ENV_PARSERS.items():
        raw = os.environ.get(name)
        if raw not in (None, ""):
            settings[name] = parse(raw)
    settings.update(test_config or {})
    return settings
