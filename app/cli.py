"""The `bulk-import-server` command: serve the API, or seed a database."""

import sys

import click

from app.config import load_settings
from app.fixtures import DEMO_DIR
from app.fixtures.export import ExportError, read_export
from app.models import connection


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
    """Serve the API (embedded database unless MONGO_URL is set)."""
    from app import create_app

    overrides = {"EXPORT_DIR": export_dir} if export_dir else {}
    try:
        app = create_app(overrides)
    except ExportError as error:
        _fail(f"cannot load the export, not starting: {error}")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command()
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False),
    help="Load this mongoexport folder instead of the demo fixtures.",
)
def seed(export_dir):
    """Load the demo fixtures (or an export) into MONGO_URL's database; never overwrite."""
    settings = load_settings()
    if not settings["MONGO_URL"]:
        _fail("MONGO_URL is not set: seed writes to a real MongoDB (serve seeds the embedded one)")
    try:
        documents = read_export(export_dir or DEMO_DIR)
    except ExportError as error:
        _fail(f"cannot load the export, nothing written: {error}")
    db = connection.connect(settings["MONGO_URL"], settings["MONGO_TIMEOUT_MS"])
    try:
        counts = connection.insert_new_documents(db, documents)
    except FileExistsError as error:
        _fail(f"refusing to overwrite, nothing written: {error}")
    finally:
        db.client.close()
    click.echo(f"seeded {db.name}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
