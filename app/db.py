"""Bind one database per process to the app: MONGO_URL, or the embedded demo database."""

import logging

from flask import current_app

from app.fixtures import DEMO_CREDENTIALS, DEMO_DIR, DEMO_PASSWORD
from app.fixtures.export import read_export
from app.models import connection
from app.services import migrations, restore

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


def open_embedded(export_dir, seed_demo, export_db=None):
    """Return an in-memory database holding a dump or export, the demo fixtures, or nothing.

    A dump that fails half way raises DumpError and its half-filled database is dropped.
    """
    db = connection.embedded()
    if export_dir:
        dump, database = restore.open_for_loading(export_dir, export_db)
        counts = restore.load(db, dump, database)
        _warn_embedded(
            f"loaded from the {dump.kind} {export_dir} (database {database}): {_describe(counts)}"
        )
    elif seed_demo:
        counts = connection.insert_new_documents(db, read_export(DEMO_DIR))
        _warn_embedded(f"seeded with the demo fixtures: {_describe(counts)}")
        _print_demo_credentials()
    # Nothing else would migrate a database that lives only in this process.
    migrations.migrate(db)
    return db


def _describe(counts):
    return ", ".join(f"{name}={n}" for name, n in sorted(counts.items()))


def _warn_embedded(origin):
    log.warning(
        "NO MONGO_URL: running on an EMBEDDED IN-MEMORY database %s. "
        "Every change is LOST when the process stops. Set MONGO_URL for a real MongoDB.",
        origin,
    )


def _print_demo_credentials():
    for cred in DEMO_CREDENTIALS:
        log.warning(
            "demo credentials, %s: X-User-Id: %s  X-Auth-Token: %s",
            cred["who"],
            cred["user_id"],
            cred["token"],
        )
    log.warning("demo users admin and alice log in with the password %r", DEMO_PASSWORD)
