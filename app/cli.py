"""The `bulk-import-server` command: serve the API, run workers, migrate, seed."""

import signal
import sys

import click

from app import logs
from app.config import SettingsError, load_settings
from app.fixtures import DEMO_DIR
from app.fixtures.export import ExportError, read_export
from app.models import connection
from app.services import migrations
from app.services.worker import Worker


@click.group()
def main():
    """Rocket.Chat's Bulk User Import API, self-hosted."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False),
    help="Load this mongoexport folder into the embedded database instead of the demo.",
)
def serve(host, port, export_dir):
    """Serve the API on gunicorn (embedded database unless MONGO_URL is set)."""
    from app import create_app, server

    overrides = {"EXPORT_DIR": export_dir} if export_dir else {}
    try:
        settings = load_settings(overrides)
        if settings["EXPORT_DIR"]:
            # Refuse a bad export here, with a clear message, before gunicorn starts.
            read_export(settings["EXPORT_DIR"])
    except ExportError as error:
        _fail(f"cannot load the export, not starting: {error}")
    except SettingsError as error:
        _fail(f"not starting: {error}")
    logs.configure(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    server.run(lambda: create_app(overrides), host, port)


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
    "export_dir",
    type=click.Path(file_okay=False),
    help="Load this mongoexport folder instead of the demo fixtures.",
)
def seed(export_dir):
    """Load the demo fixtures (or an export) into MONGO_URL's database; never overwrite."""
    try:
        documents = read_export(export_dir or DEMO_DIR)
    except ExportError as error:
        _fail(f"cannot load the export, nothing written: {error}")
    _, db = _real_database("seed")
    try:
        counts = connection.insert_new_documents(db, documents)
    except FileExistsError as error:
        _fail(f"refusing to overwrite, nothing written: {error}")
    finally:
        db.client.close()
    if not any(counts.values()):
        click.echo(f"{db.name} already holds every one of these documents: nothing written")
        return
    click.echo(f"seeded {db.name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


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
