"""Bind one database per process to the app: MONGO_URL, or the embedded demo database."""

import logging

from flask import current_app

from app.extensions.embedded import open_embedded
from app.models import connection

log = logging.getLogger(__name__)

_EXTENSION = "rc_bulk_import_db"


def init_app(app):
    """Open the database the settings name and keep it on the app."""
    url = app.config["MONGO_URL"]
    if url:
        db = connection.connect(url, app.config["MONGO_TIMEOUT_MS"])
        log.info("using MongoDB database %r from MONGO_URL", db.name)
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
