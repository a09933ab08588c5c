"""The `bulk-import-server` command: serve the API, run workers, migrate, seed."""

import signal
import sys

import click

from app import logs
from app.config import SettingsError, load_settings
from app.db import get_db_of
from app.fixtures import DEMO_DIR
from app.fixtures.export import ExportError
from app.models import connection
from app.services import migrations, personal_tokens, restore
from app.services.worker import Worker


@click.group()
def main():
    """Rocket.Chat's Bulk User Import API, self-hosted."""


_EXPORT_HELP = (
    "A Rocket.Chat backup: a mongodump folder (plain or --gzip), a mongodump --archive "
    "(plain or --gzip), a tar or tar.gz of a mongodump folder, or a mongoexport folder."
)
_DB_HELP = "Which database of the dump, when several look like Rocket.Chat's."


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option(
    "--export",
    "export_path",
    type=click.Path(exists=True),
    help=_EXPORT_HELP + " Loaded into the embedded database instead of the demo.",
)
@click.option("--db", "export_db", metavar="NAME", help=_DB_HELP)
@click.option(
    "--token-for",
    metavar="USERNAME",
    help="Create a personal access token for this user of the embedded database and "
    "print it (once) at start.",
)
def serve(host, port, export_path, export_db, token_for):
    """Serve the API (embedded database unless MONGO_URL is set)."""
    from app import close_app, create_app

    overrides = {"EXPORT_DIR": export_path} if export_path else {}
    if export_db:
        overrides["EXPORT_DB"] = export_db
    try:
        if export_path and load_settings()["MONGO_URL"]:
            _fail("--export loads the embedded database; on MONGO_URL use `seed --export`")
        app = create_app(overrides)
    except ExportError as error:
        _fail(f"cannot load the export, not starting: {error}")
    except SettingsError as error:
        _fail(f"not starting: {error}")
    if token_for:
        try:
            _print_token_for(app, token_for)
        except personal_tokens.TokenRefused as error:
            close_app(app)  # its worker thread and database client
            _fail(f"not starting: {error}")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _print_token_for(app, who):
    db = get_db_of(app)
    if not connection.is_embedded(db):
        raise personal_tokens.TokenRefused(
            "--token-for works on the embedded database; on MONGO_URL use `token create`"
        )
    _show_token(*personal_tokens.create(db, who))


def _show_token(user, token):
    # On the terminal only, never through logging: logs are kept and shipped.
    click.echo(
        f"personal access token for {user.get('username') or user['_id']} (shown once):\n"
        f"  X-User-Id: {user['_id']}\n  X-Auth-Token: {token}",
        err=True,
    )


@main.command()
def migrate():
    """Apply our pending migrations to MONGO_URL's database (idempotent)."""
    settings, db = _real_database("migrate")
    try:
        applied = migrations.migrate(db)
    finally:
        db.client.close()
    click.echo(f"applied: {', '.join(f'{n:04d}' for n in applied)}" if applied else "up to date")


@main.command()
def worker():
    """Run imports from MONGO_URL's database until SIGTERM or SIGINT."""
    settings, db = _real_database("worker")
    logs.configure(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    import_worker = Worker.from_settings(db, settings)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: import_worker.request_stop())
    try:
        import_worker.run_forever()
    finally:
        import_worker.stop()
        db.client.close()


@main.command()
@click.option(
    "--export",
    "export_path",
    type=click.Path(exists=True),
    help=_EXPORT_HELP + " Restored instead of the demo fixtures.",
)
@click.option("--db", "export_db", metavar="NAME", help=_DB_HELP)
def seed(export_path, export_db):
    """Load the demo fixtures (or a dump) into MONGO_URL's database; never overwrite."""
    try:
        dump, database = restore.open_for_loading(export_path or DEMO_DIR, export_db)
    except ExportError as error:
        _fail(f"cannot load the export, nothing written: {error}")
    _, db = _real_database("seed")
    try:
        counts = restore.seed(db, dump, database)
    except ExportError as error:
        _fail(f"cannot load the export, nothing written: {error}")
    except FileExistsError as error:
        _fail(f"refusing to overwrite, nothing written: {error}")
    except connection.DatabaseError as error:
        _fail(f"{db.name} refused the restore (an index or a document of the dump): {error}")
    finally:
        db.client.close()
    if not any(counts.values()):
        click.echo(f"{db.name} already holds every one of these documents: nothing written")
        return
    click.echo(f"seeded {db.name}: {restore.describe(counts)}")


@main.group()
def token():
    """Personal access tokens for users of MONGO_URL's database."""


@token.command("create")
@click.option("--user", "who", required=True, metavar="USERNAME", help="A username (or _id).")
@click.option(
    "--name",
    "label",
    default=personal_tokens.DEFAULT_NAME,
    show_default=True,
    help="The token's name, as Rocket.Chat lists it under the user's personal access tokens.",
)
def token_create(who, label):
    """Create a personal access token, stored as Rocket.Chat stores it; print it once."""
    _, db = _real_database("token create")
    try:
        user, created = personal_tokens.create(db, who, label)
    except personal_tokens.TokenRefused as error:
        _fail(str(error))
    finally:
        db.client.close()
    _show_token(user, created)


def _real_database(command):
    try:
        settings = load_settings()
    except SettingsError as error:
        _fail(str(error))
    if not settings["MONGO_URL"]:
        _fail(f"MONGO_URL is not set: {command} works on a real MongoDB")
    return settings, connection.connect(settings["MONGO_URL"], settings["MONGO_TIMEOUT_MS"])


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
