"""Rate limiting as Rocket.Chat does it, with Flask-Limiter: per client address, route and
method, in fixed windows; callers holding `api-bypass-rate-limit` are never limited."""

import math
import time

from flask import current_app, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.models import mongo_url

BYPASS = "api-bypass-rate-limit"

# One limiter per process, configured by init_app (Flask's extension pattern).
limiter = Limiter(key_func=get_remote_address, headers_enabled=False, strategy="fixed-window")


def limited(view):
    """Rate-limit a view; the check runs when the view is called, so after the header auth."""
    return limiter.limit(_limit, per_method=True, exempt_when=_exempt)(view)


def _limit():
    config = current_app.config
    return f"{config['RATE_LIMIT_CALLS']} per {config['RATE_LIMIT_PERIOD_SECONDS']} second"


def _exempt():
    return BYPASS in g.get("granted", ())


def init_app(app):
    """Configure the limiter's storage: MongoDB shared by every process, or memory."""
    config = app.config
    config["RATELIMIT_ENABLED"] = config["RATE_LIMIT_ENABLED"]
    uri = config["RATE_LIMIT_STORAGE_URI"] or config["MONGO_URL"] or "memory://"
    config["RATELIMIT_STORAGE_URI"] = uri
    if uri.startswith("mongodb"):
        config["RATELIMIT_STORAGE_OPTIONS"] = {
            "database_name": config["MONGO_DATABASE"],
            "counter_collection_name": "bulkimport_rate_counters",
            "window_collection_name": "bulkimport_rate_windows",
            "serverSelectionTimeoutMS": config["MONGO_REQUEST_TIMEOUT_MS"],
            "appname": "rc-bulk-import rate-limits",
            **mongo_url.options_not_in(uri),
        }
    limiter.init_app(app)
    app.after_request(_add_headers)


def _add_headers(response):
    current = limiter.current_limit if limiter.enabled else None
    if current is not None:
        response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(current.window.remaining)
        response.headers["X-RateLimit-Reset"] = str(int(current.window.reset_time * 1000))
    return response


def seconds_to_wait():
    """Return how many whole seconds remain until the breached limit resets."""
    current = limiter.current_limit
    return max(math.ceil(current.window.reset_time - time.time()), 0) if current else 0


def close():
    """Close the storage's own database client, if it opened one."""
    storage = limiter.storage if limiter.initialized else None
    if not hasattr(storage, "_storage"):
        return
    if storage._storage is not None:
        storage._storage.close()
    # limits' MongoDB storage opens a client in __del__ when it never had one, and that
    # fails with the database down: leave it one that is already closed.
    storage._storage = _ClosedClient()


class _ClosedClient:
    """Stands for a database client that was closed."""

    def close(self):
        """Do nothing: already closed."""
