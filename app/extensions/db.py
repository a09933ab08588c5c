"""Bind one database per process to the app: MONGO_URL, or the embedded demo database."""

import logging

from flask import current_app

from app.extensions.embedded import open_embedded
from app.models import connection, mongo_url

log = logging.getLogger(__name__)

_EXTENSION = "rc_bulk_import_db"


def init_app(app):
    """Open the database the settings name and keep it on the app."""
    url = app.config["MONGO_URL"]
    if url:
        # Requests wait briefly for a primary: a poll during a failover answers 503 at once.
        db = connection.connect(url, app.config["MONGO_REQUEST_TIMEOUT_MS"], role="api")
        log.info("using MongoDB database %r of %s", db.name, mongo_url.redact(url))
        if mongo_url.retries_disabled(url):
            log.warning("MONGO_URL turns retryable writes or reads off: a failover fails calls")
    else:
        db = open_embedded(
            app.config["EXPORT_DIR"], app.config["SEED_DEMO"], app.config["EXPORT_DB"]
        )
    app.extensions[_EXTENSION] = db
    app.config["MONGO_DATABASE"] = db.name


def get_db():
    """Return the current app's database."""
    return get_db_of(current_app)


def get_db_of(app):
    """Return an app's database, outside of a request."""
    return app.extensions[_EXTENSION]


def describe_outage(error):
    """Return one short line on why the current app's database failed a call (no secrets)."""
    problem = connection.diagnose(get_db(), error)
    return f"{problem.kind}: {problem.host}: {problem.reason}"
