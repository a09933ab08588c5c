"""The embedded database: an in-memory MongoDB loaded with an export, the demo fixtures, or
nothing, and migrated; the startup log says loudly that it is lost when the process stops."""

import logging

from app.fixtures import DEMO_CREDENTIALS, DEMO_DIR, DEMO_PASSWORD
from app.fixtures.export import read_export
from app.models import connection
from app.services import migrations

log = logging.getLogger(__name__)


def open_embedded(export_dir, seed_demo):
    """Return an in-memory database holding an export, the demo fixtures, or nothing."""
    db = connection.embedded()
    if export_dir:
        counts = connection.insert_new_documents(db, read_export(export_dir))
        _warn_embedded(f"loaded from the export in {export_dir}: {_describe(counts)}")
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
