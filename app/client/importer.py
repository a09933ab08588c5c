"""Check a file offline (dry run), or import it: import.new, addUsers in chunks, run, watch."""

import itertools
import time
from dataclasses import dataclass, field

from app.client.api import ApiError
from app.client.checks import check, identity_of
from app.client.progress import duration
from app.client.report import Failure, place
from app.contract.reconciliation import reconcile, reports_updates, run_counts
from app.contract.rules import INVALID_ROLES, MISSING_DATA
from app.contract.states import FINISHED_STATES

STALL_SECONDS = 60.0
# import.addUsers refuses a whole call for these, because of some of its users: the
# importer then splits the call to find them, and imports the others.
_ABOUT_THE_USERS = (MISSING_DATA, INVALID_ROLES)


class Refused(Exception):
    """The import cannot go on; nothing more is sent."""


@dataclass
class Outcome:
    """What became of a file's users."""

    read: int = 0  # records in the file
    refused: int = 0  # refused before the import: by the checks or by import.addUsers
    sent: int = 0  # users the server accepted for staging, given to the run
    operation: dict | None = None  # the run's final operation; None when nothing ran
    failures: list = field(default_factory=list)  # Failure, each with its reason
    unexplained: int = 0  # failures the server counted but keeps no reason for
    state: str | None = None  # the operation's final state; None when nothing was run
    operation_id: str | None = None  # the operation that ran, for --invite
    staging_seconds: float = 0.0
    import_seconds: float = 0.0

    def reconciled(self):
        """Return the reconciliation of the users read (app/contract/reconciliation.py)."""
        return reconcile(self.operation, refused=self.refused, sent=self.sent)

    @property
    def imported(self):
        """Users the run created or updated."""
        parts = self.reconciled()["parts"]
        return parts["created"] + parts["updated"]

    @property
    def complete(self):
        """Tell whether every user of the file was imported."""
        return self.state == "done" and self.read > 0 and self.imported == self.read


def scan(source, observe=None):
    """Read and check every record offline; return (records read, Failures). Sends nothing.
    `observe(checked)`, when given, sees each checked record as well."""
    read, failures = 0, []
    for checked in map(check, source.records()):
        read += 1
        if observe is not None:
            observe(checked)
        if checked.problem:
            failures.append(Failure(checked.line, checked.raw, checked.problem))
    return read, failures


class Importer:
    """Imports a Source through a RocketChat client, showing progress as it goes."""

    def __init__(self, client, progress, *, chunk_size, poll_seconds, force):
        # No defaults here: the command line (main.py) holds them, once.
        self.client, self.progress = client, progress
        self.chunk_size, self.poll_seconds, self.force = chunk_size, poll_seconds, force
        self.sleep, self.clock = time.sleep, time.monotonic

    def run(self, source, scanned):
        """Import every valid user of the source, given its scan(); return the Outcome.

        The caller scans the whole file before it logs in: a file that cannot be read to
        its end (InputError) sends nothing at all.
        """
        outcome = Outcome()
        outcome.read, outcome.failures = scanned[0], list(scanned[1])
        outcome.refused = len(outcome.failures)
        valid = outcome.read - len(outcome.failures)
        if not valid:
            return outcome
        self._require_no_running_import()
        started = self.clock()
        operation = self.client.import_new()
        outcome.operation_id = operation["_id"]
        outcome.sent = self._stage(source, valid, outcome.failures)
        outcome.refused = len(outcome.failures)
        outcome.staging_seconds = self.clock() - started
        if outcome.sent:
            self.client.import_run()
            status = self._watch(operation["_id"], outcome.sent)
            outcome.import_seconds = self.clock() - started - outcome.staging_seconds
            self._conclude(status, outcome, map(check, source.records()))
        return outcome

    def _require_no_running_import(self):
        # import.new would stop a running import; this also checks the credentials and
        # the run-import permission before anything changes.
        status = self.client.import_status()
        if status["state"] == "importing" and not self.force:
            raise Refused(
                "an import is running on the server and import.new would stop it: "
                "wait for it to finish, or use --force"
            )

    def _stage(self, source, valid, failures):
        sent = done = 0
        self.progress.staging(0, valid)
        users = (c for c in map(check, source.records()) if c.user is not None)
        while chunk := list(itertools.islice(users, self.chunk_size)):
            sent += self._send(chunk, failures)
            done += len(chunk)
            self.progress.staging(done, valid, refused=done - sent)
        self.progress.finish()
        return sent

    def _send(self, chunk, failures):
        try:
            self.client.add_users([checked.user for checked in chunk])
            return len(chunk)
        except ApiError as error:
            if not _about_the_users(error):
                raise Refused(f"the server refused to stage users: {error}") from None
            if len(chunk) == 1:
                failures.append(Failure(chunk[0].line, chunk[0].raw, error.reason))
                return 0
            # Halve the call until the users it is about are alone (roles cannot be
            # checked offline, only the server knows them).
            half = len(chunk) // 2
            return self._send(chunk[:half], failures) + self._send(chunk[half:], failures)

    def _watch(self, operation_id, sent, total=None):
        """Poll import.status until the import ends; `total`, when given, is its total."""
        stalled = self._stall_watch()
        while True:
            status = self.client.import_status()
            operation = status.get("operation") or {}
            if operation.get("_id") != operation_id:
                self.progress.finish()
                raise Refused("another import operation replaced this one on the server")
            run = run_counts(operation)
            counters = (run["created"], run["failed"], total or run["users"] or sent)
            finished = status["state"] in FINISHED_STATES
            updated = run["updated"] if reports_updates(operation) else None
            self.progress.importing(*counters, updated=updated, final=finished)
            if finished:
                self.progress.finish()
                return status
            stalled(counters)
            self.sleep(self.poll_seconds)

    def _stall_watch(self):
        """Return a function to call with the server's news at each poll: it says when none came."""
        last, changed = None, self.clock()

        def seen(news):
            nonlocal last, changed
            now = self.clock()
            if news != last:
                last, changed = news, now
            elif now - changed >= STALL_SECONDS:
                changed = now
                self.progress.note(
                    f"no progress for {duration(STALL_SECONDS)}: is an import worker running?"
                )

        return seen

    def _conclude(self, status, outcome, checked_records):
        """Read the final counters and the refused users, placed on `checked_records`' lines."""
        outcome.state = status["state"]
        outcome.operation = status["operation"]
        refused_count = run_counts(outcome.operation)["failed"]
        if not refused_count:
            return
        try:
            refused = [
                (identity_of(u["data"]), u["data"], _reason(u)) for u in self.client.failed_users()
            ]
        except ApiError as error:
            if error.status != 404:
                raise
            refused = []  # a real Rocket.Chat: it deletes failed users and their reasons
        # A second pass over the file puts each refused user back on its line.
        outcome.failures.extend(place(refused, checked_records))
        outcome.unexplained = max(refused_count - len(refused), 0)


def _about_the_users(error):
    return error.status == 400 and (
        error.error_type == "invalid-params" or error.error in _ABOUT_THE_USERS
    )


def _reason(failed_user):
    return "; ".join(e.get("message", "") for e in failed_user.get("errors") or []) or "refused"
