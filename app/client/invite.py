"""Invite imported people to set their password: import.invite, then import.invitations polled
until the server has sent every mail, and the failures listed with the server's reasons."""

import time
from dataclasses import dataclass, field

import click

from app.client.importer import STALL_SECONDS
from app.client.output import plural, users
from app.client.progress import count, duration
from app.contract.invitations import FAILED, JOB_SENDING, QUEUED, SKIP_REASONS


@dataclass
class Invited:
    """What became of an operation's invitations."""

    operation_id: str
    queued: int = 0
    skipped: dict = field(default_factory=dict)  # {reason: people}, this call's
    counts: dict = field(default_factory=dict)  # {state: people}, the operation's
    failures: list = field(default_factory=list)  # the failed invitations, with reasons
    error: str | None = None  # why the server did not queue them at all

    @property
    def failed(self):
        """Tell whether some invitation of the operation failed, or none could be queued."""
        return bool(self.error or self.counts.get(FAILED))


class Inviter:
    """Asks the server to mail the people of an operation and watches it do so."""

    def __init__(self, client, *, poll_seconds, wait=True):
        self.client, self.poll_seconds, self.wait = client, poll_seconds, wait
        self.sleep, self.clock = time.sleep, time.monotonic

    def run(self, operation_id=None, usernames=None, resend=False):
        """Queue the invitations; unless told not to wait, wait until none is queued."""
        answer = self.client.invite(operation_id, usernames, resend)
        outcome = Invited(answer["operationId"], answer["queued"], answer.get("skipped") or {})
        click.echo(_queued_line(outcome), err=True)
        page = self._watch(outcome.operation_id) if self.wait else None
        if page is not None:
            outcome.counts = page["counts"]
            if outcome.failed:
                outcome.failures = list(self.client.invitations(outcome.operation_id, FAILED))
        return outcome

    def _watch(self, operation_id):
        last, changed = None, self.clock()
        while True:
            page = self.client.invitation_counts(operation_id)
            counts = page["counts"]
            if counts != last:
                last, changed = counts, self.clock()
                click.echo(f"  {_counts_line(counts)}", err=True)
            if not counts.get(QUEUED) or page["status"] != JOB_SENDING:
                return page
            if self.clock() - changed >= STALL_SECONDS:
                changed = self.clock()
                click.echo(
                    f"  no mail sent for {duration(STALL_SECONDS)}: is a worker running? "
                    "(a temporary SMTP failure is retried later)",
                    err=True,
                )
            self.sleep(self.poll_seconds)


def _queued_line(outcome):
    skipped = ", ".join(
        f"{count(number)} {reason}" for reason, number in sorted(outcome.skipped.items())
    )
    return (
        f"Invitations for operation {outcome.operation_id}: {users(outcome.queued)} queued"
        + (f"; skipped: {skipped}" if skipped else "")
        + "."
    )


def _counts_line(counts):
    return ", ".join(f"{count(counts.get(state, 0))} {state}" for state in counts)


def summary(outcome):
    """Print what became of the invitations, and each failure with its reason."""
    if outcome.error:
        click.echo(f"No invitations were sent: {outcome.error}")
        return
    if not outcome.counts:
        click.echo(f"{plural(outcome.queued, 'invitation')} queued; the server sends them.")
        return
    click.echo(f"Invitations: {_counts_line(outcome.counts)}.")
    for failure in outcome.failures:
        who = failure.get("username") or failure.get("userId")
        click.echo(f"failed: {who} <{failure.get('email', '')}>: {failure.get('reason', '')}")
    for reason, number in sorted(outcome.skipped.items()):
        click.echo(f"skipped {count(number)}: {SKIP_REASONS.get(reason, reason)}")
