"""Before a process starts its work on MONGO_URL: can it use the database? One line if not."""

import sys

import click

from app.config import PLACEHOLDER_PASSWORD
from app.models import connection, mongo_url, replica_set
from app.models.db_errors import DatabaseError, InvalidUrl, is_unavailable

EXIT_UNUSABLE = 2


def open_database(url, timeout_ms, command):
    """Return MONGO_URL's database once it answers; else print why in one line and exit 2."""
    try:
        db = connection.connect(url, timeout_ms, role=command)
    except InvalidUrl as error:
        refuse(url, f"not a valid MongoDB URL: {_without_password(error, url)}")
    problem = connection.check(db)
    if problem is not None:
        db.client.close()
        refuse(url, f"{problem.host}: {problem.reason}")
    return db


def refuse_if_unavailable(db, url, error):
    """Exit with the one line when error means the database went away; else return."""
    if is_unavailable(error) or connection.is_refused_credentials(error):
        problem = connection.diagnose(db, error)
        refuse(url, f"{problem.host}: {problem.reason}")


def init_database(url, settings, wait_seconds):
    """Set compose's MongoDB up for MONGO_URL as root; yield a line per step (exit 2 on error)."""
    try:
        plan = replica_set.plan_of(url)
    except InvalidUrl as error:
        refuse(url, f"not a valid MongoDB URL: {_without_password(error, url)}")
    if plan["password"] == PLACEHOLDER_PASSWORD:
        refuse(url, f"the password is still {PLACEHOLDER_PASSWORD!r}: choose one in .env")
    root = settings["MONGO_INITDB_ROOT_USERNAME"], settings["MONGO_INITDB_ROOT_PASSWORD"]
    if not root[1]:
        refuse(
            url, "MONGO_INITDB_ROOT_PASSWORD is not set: MongoDB would run without authentication"
        )
    client = replica_set.root_client(plan, *root, int(wait_seconds * 1000))
    try:
        yield from _set_up(client, plan, wait_seconds)
    except replica_set.ReplicaSetError as error:
        refuse(url, f"{plan['hosts'][0]}: {error}")
    except DatabaseError as error:
        problem = connection.diagnose(client[plan["database"]], error)
        refuse(url, f"{problem.host}: {problem.reason}")
    finally:
        client.close()


def _set_up(client, plan, wait_seconds):
    if plan["replica_set"]:
        created = replica_set.initiate(client, plan)
        yield f"replica set {plan['replica_set']}: {'initiated' if created else 'exists'}"
        replica_set.wait_for_primary(client, wait_seconds)
        yield f"primary: {plan['hosts'][0]}"
    if plan["user"]:
        created = replica_set.ensure_user(client, plan)
        yield f"user {plan['user']} (readWrite on {plan['database']}): " + (
            "created" if created else "exists"
        )


def refuse(url, why):
    """Print `error: MONGO_URL=<redacted>: <why>` and exit 2."""
    click.echo(f"error: MONGO_URL={mongo_url.redact(url)}: {why}", err=True)
    sys.exit(EXIT_UNUSABLE)


def _without_password(error, url):
    # pymongo's URL errors may quote parts of it: never the password.
    text = str(error)
    if any(secret in text for secret in mongo_url.secrets_of(url)):
        return "see https://www.mongodb.com/docs/manual/reference/connection-string/"
    return text
