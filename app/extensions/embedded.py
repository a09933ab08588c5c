"""The embedded database: an in-memory MongoDB loaded with an export, the demo fixtures, or
nothing, and migrated; the startup log says loudly that it is lost when the process stops."""

import logging

from app.fixtures import DEMO_CREDENTIALS, DEMO_DIR, DEMO_PASSWORD
from app.models import connection
from app.services import migrations, restore

log = logging.getLogger(__name__)


def open_embedded(export_dir, seed_demo, export_db=None):
    """Return an in-memory database holding a dump or export, the demo fixtures, or nothing.

    A dump that fails half way raises DumpError and its half-filled database is dropped.
    """
    db = connection.embedded()
    if export_dir:
        dump, database = restore.open_for_loading(export_dir, export_db)
        counts = restore.load(db, dump, database, only=restore.SERVED)
        skipped = restore.not_served(dump, database)
        loaded = f"the {dump.kind} {export_dir} (database {database}): {restore.describe(counts)}"
        _warn_embedded(
            f"loaded from {loaded}"
            + (f"; not loaded, unused by the service: {_listing(skipped)}" if skipped else "")
        )
    elif seed_demo:
        counts = restore.load(db, *restore.open_for_loading(DEMO_DIR))
        _warn_embedded(f"seeded with the demo fixtures: {restore.describe(counts)}")
        _print_demo_credentials()
    # Nothing else would migrate a database that lives only in this process.
    migrations.migrate(db)
    return db


def _listing(names, shown=8):
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


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
