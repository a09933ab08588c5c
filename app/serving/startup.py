"""Before a process starts its work on MONGO_URL: can it use the database? One line if not."""

import sys

import click

from app.models import connection, mongo_url
from app.models.db_errors import InvalidUrl, is_unavailable

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
