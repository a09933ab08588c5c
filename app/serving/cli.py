"""The `bulk-import-server` command: serve the API, run workers, migrate, seed."""

import signal
import sys
from contextlib import contextmanager

import click

from app.config import SettingsError, load_settings
from app.dumps.export import ExportError
from app.extensions import logs
from app.extensions.db import get_db_of
from app.fixtures import DEMO_DIR, DEMO_WARNING
from app.models.db_errors import DatabaseError
from app.services import health, migrations, personal_tokens, restore
from app.services.worker import Worker
from app.serving import startup
from app.serving.scim_cli import scim_token


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
    """Serve the API on gunicorn (embedded database unless MONGO_URL is set)."""
    from app import create_app
    from app.serving import server

    overrides = {"EXPORT_DIR": export_path} if export_path else {}
    if export_db:
        overrides["EXPORT_DB"] = export_db
    try:
        settings = load_settings(overrides)
        if settings["MONGO_URL"] and export_path:
            _fail("--export loads the embedded database; on MONGO_URL use `seed --export`")
        if settings["MONGO_URL"] and token_for:
            _fail("--token-for works on the embedded database; on MONGO_URL use `token create`")
        # Read the export through here, to refuse a bad one with a clear message before
        # gunicorn starts; gunicorn's worker loads it into the embedded database.
        user_id = _check_embedded_data(settings, token_for)
    except ExportError as error:
        _fail(f"cannot load the export, not starting: {error}")
    except SettingsError as error:
        _fail(f"not starting: {error}")

    token = None
    if token_for:
        if user_id is None:
            _fail(f"not starting: no user with the username or _id {token_for!r}")
        token = personal_tokens.new_secret()
        _show_token({"_id": user_id, "username": token_for}, token)

    def build():
        app = create_app(overrides)
        if token:
            # Made here and shown once; the worker process that holds the embedded database
            # stores it (again if gunicorn restarts it: the same token stays valid).
            personal_tokens.create(get_db_of(app), user_id, personal_tokens.SERVE_NAME, token)
        return app

    if settings["MONGO_URL"]:
        # Refuse to start rather than serve 503s while logging the outage every few seconds.
        _check_database(settings, "serve").client.close()
    logs.configure(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    server.run(build, host, port)


def _check_embedded_data(settings, user):
    """Read what the embedded database will hold through (a bad dump raises); return the
    _id of user (a username or _id) among its users, or None."""
    path = settings["EXPORT_DIR"] or (DEMO_DIR if settings["SEED_DEMO"] else None)
    if settings["MONGO_URL"] or path is None:
        return None
    dump, database = restore.open_for_loading(path, settings["EXPORT_DB"])
    found = restore.check(dump, database, user, only=restore.SERVED)
    if user and found is None:
        names, total = restore.sample_usernames(dump, database)
        some = f"its users include {', '.join(names)}" if names else "it holds no user"
        more = f" ({total - len(names)} more)" if total > len(names) else ""
        _fail(f"not starting: no user with the username or _id {user!r}; {some}{more}")
    return found


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
    with _database_of(settings, db):
        applied = migrations.migrate(db)
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
        # Once started, an outage is waited out (the worker retries, backing off).
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
    settings, db = _real_database("seed")
    if not export_path:  # once the database answers: a wrong MONGO_URL gets its one line only
        click.echo(DEMO_WARNING, err=True)
    with _database_of(settings, db):
        try:
            if not export_path:
                _refuse_demo_beside_other_users(db, dump, database)
            counts = restore.seed(db, dump, database)
        except ExportError as error:
            _fail(f"cannot load the export, nothing written: {error}")
        except FileExistsError as error:
            _fail(f"refusing to overwrite, nothing written: {error}")
        except DatabaseError as error:
            startup.refuse_if_unavailable(db, settings["MONGO_URL"], error)
            _fail(f"{db.name} refused the restore (an index or a document of the dump): {error}")
    if not any(counts.values()):
        click.echo(f"{db.name} already holds every one of these documents: nothing written")
        return
    click.echo(f"seeded {db.name}: {restore.describe(counts)}")


@main.command("init-database")
@click.option(
    "--wait",
    "wait_seconds",
    default=120.0,
    show_default=True,
    help="How long to wait for MongoDB to accept connections and elect a primary.",
)
def init_database(wait_seconds):
    """First start of compose's MongoDB, as root: initiate MONGO_URL's replica set, create
    its user (readWrite on its database). Does nothing that is already done."""
    try:
        settings = load_settings()
    except SettingsError as error:
        _fail(str(error))
    url = settings["MONGO_URL"] or _fail("MONGO_URL is not set: init-database sets it up")
    for line in startup.init_database(url, settings, wait_seconds):
        click.echo(line)


@main.command()
def ready():
    """Exit 0 if MONGO_URL's database serves and is migrated; else say why, exit 2."""
    settings, db = _real_database("ready")
    with _database_of(settings, db):
        problems, reasons = health.readiness(db)
    if problems:
        _fail("; ".join(reasons))
    click.echo("ready")


def _refuse_demo_beside_other_users(db, dump, database):
    # The demo's credentials are public: never next to users someone relies on.
    count, few = restore.other_users(db, dump, database)
    if count:
        _fail(
            f"refusing to seed the demo's public credentials into {db.name}, which holds "
            f"{count} other user{'s' if count > 1 else ''} ({', '.join(few)}"
            f"{', …' if count > len(few) else ''}), nothing written: use `seed --export` "
            "for a backup, and `token create` for a way in"
        )


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
    settings, db = _real_database("token create")
    with _database_of(settings, db):
        try:
            user, created = personal_tokens.create(db, who, label)
        except personal_tokens.TokenRefused as error:
            _fail(str(error))
    _show_token(user, created)


@contextmanager
def database_command(command):
    """Open MONGO_URL's database for a command (exit 2 with one line if it does not serve)."""
    settings, db = _real_database(command)
    with _database_of(settings, db):
        yield db


def _real_database(command):
    try:
        settings = load_settings()
    except SettingsError as error:
        _fail(str(error))
    if not settings["MONGO_URL"]:
        _fail(f"MONGO_URL is not set: {command} works on a real MongoDB")
    return settings, _check_database(settings, command.split()[0])


def _check_database(settings, command):
    """Return MONGO_URL's database if it serves; else exit 2 with one line on why."""
    return startup.open_database(settings["MONGO_URL"], settings["MONGO_TIMEOUT_MS"], command)


@contextmanager
def _database_of(settings, db):
    """Close the client after the block; the database going away mid-way is one line, exit 2."""
    try:
        yield db
    except DatabaseError as error:
        startup.refuse_if_unavailable(db, settings["MONGO_URL"], error)
        raise
    finally:
        db.client.close()


def _fail(message):
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


main.add_command(scim_token)
