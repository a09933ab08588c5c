"""What the command tells the administrator at the end: a summary, and the error report."""

import click

from app.client import report
from app.client.progress import count, duration
from app.contract.reconciliation import rooms_sentence, sentence


def users(number):
    """Return `1 user` or `2,000 users`."""
    return plural(number, "user")


def plural(number, noun):
    """Return `1 channel` or `2,000 channels`."""
    return f"{count(number)} {noun}{'' if number == 1 else 's'}"


class ReportFile:
    """Where the error report goes; it is written only when there is something to report."""

    def __init__(self, path, fmt):
        self.path, self.fmt = path, fmt
        self.failed = False

    def write(self, failures):
        """Write the failures and say where; say so (and remember it) if that is impossible."""
        try:
            report.write(self.path, failures, self.fmt)
        except OSError as error:
            self.failed = True
            click.echo(f"error: cannot write the error report: {error}", err=True)
            return
        click.echo(f"Error report: {self.path} ({users(len(failures))})")


def dry_run_summary(source, read, failures, report_file, against=None):
    """Print each problem as `FILE:LINE: reason`, then the totals; write the report."""
    if not read:
        # Exit status 1 all the same: a script that checks before it imports must stop.
        click.echo(
            f"Dry run: no users in {source.path} (an empty file, or a header alone): nothing"
            " to import (exit status 1, as the import would end); nothing was sent."
        )
        return
    for failure in failures:
        click.echo(f"{source.path}:{failure.line}: {failure.reason}")
    unchecked = (
        f"Emails, usernames and import ids were checked against the users of {against}; "
        "roles only the server can check."
        if against
        else "Roles, and emails, usernames or import ids already taken, only the server can check."
    )
    click.echo(
        f"Dry run: {users(read)} read, {count(len(failures))} with problems; nothing was "
        f"sent. {unchecked}"
    )
    if failures:
        report_file.write(failures)


def import_summary(file, outcome, report_file):
    """Print the reconciliation of the file's users; write the report of those not imported."""
    if not outcome.read:
        click.echo(f"No users in {file}.")
        return
    seconds = outcome.staging_seconds + outcome.import_seconds
    imported = outcome.imported
    rate = f", {imported / seconds:,.0f} users/s" if seconds and imported else ""
    click.echo(
        f"{sentence(outcome.reconciled())}; in {duration(seconds)}{rate} "
        f"(staging {duration(outcome.staging_seconds)}, import {duration(outcome.import_seconds)})."
    )
    if rooms := rooms_sentence(outcome.operation):
        click.echo(rooms)
    if outcome.state not in (None, "done"):
        click.echo(f"The import ended in state {outcome.state!r}.")
    if outcome.unexplained:
        click.echo(
            f"{users(outcome.unexplained)} refused by a server that keeps no reasons "
            "(Rocket.Chat deletes them): not in the report."
        )
    if outcome.failures:
        report_file.write(outcome.failures)
    elif outcome.complete:
        updated = outcome.reconciled()["parts"]["updated"]
        done = "created or updated" if updated else "created"
        click.echo(f"Every user was {done}; no error report.")
