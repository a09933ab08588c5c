"""One import run: a claimed operation, processed in batches until done, stopped or failed."""

import itertools
import logging
from dataclasses import dataclass

from app.contract import states
from app.contract.identities import Holders, identity, lookup_of
from app.models import staging, user_updates, users
from app.models.db_errors import is_unavailable
from app.services import accounts, memberships
from app.services.channels import ChannelImport, RoomCounts
from app.services.lease import INVALIDATED, Lease, Stopped
from app.services.user_writes import UserWriter

log = logging.getLogger(__name__)

# Staged records are read, and their identities looked up, this many batches at a time:
# one read and one lookup feed ten batches.
READ_AHEAD = 10


@dataclass(frozen=True)
class RunSettings:
    """How a worker runs imports; the values (and their defaults) come from app/config.py."""

    bcrypt_rounds: int
    batch_size: int
    lease_seconds: float
    poll_seconds: float
    api_default_channels: bool = False

    @classmethod
    def from_config(cls, config):
        """Return the run settings of the service's settings (BCRYPT_ROUNDS, IMPORT_*)."""
        return cls(
            bcrypt_rounds=config["BCRYPT_ROUNDS"],
            batch_size=config["IMPORT_BATCH_SIZE"],
            lease_seconds=config["IMPORT_LEASE_SECONDS"],
            poll_seconds=config["IMPORT_POLL_SECONDS"],
            api_default_channels=config["IMPORT_API_DEFAULT_CHANNELS"],
        )


class ImportRun:
    """Run one claimed operation to `importer_done`, resuming wherever it stopped."""

    def __init__(self, worker, operation):
        self.worker, self.operation = worker, operation
        self.db, self.settings = worker.db, worker.settings
        self.id = operation["_id"]
        self.lease = Lease.of_worker(worker, self.id)
        # Counts of users, as reported: selected for the run, created, updated, failed.
        self.selected = self.created = self.updated = self.failed = 0
        file_importer = (operation.get("importerKey") or "api") != "api"
        self.rules = accounts.AccountRules.read(self.db, file_importer)
        # Rocket.Chat's file importers join new users to the default rooms; its API importer
        # does not, unless IMPORT_API_DEFAULT_CHANNELS says so.
        joins_defaults = file_importer or self.settings.api_default_channels
        self.rooms = RoomCounts.of(operation.get(states.ROOM_COUNTS))
        self.touched = set(operation.get(states.ROOMS_TOUCHED) or [])
        self.landing = memberships.Landing(self.db, joins_defaults, self._touch)
        self.writer = UserWriter(self)

    def execute(self):
        """Run to the end; an unexpected error fails the operation, a stop leaves it as is."""
        try:
            self._run_steps()
        except Stopped as stop:
            log.warning("import run stopped: %s", stop)
        except Exception as error:
            if is_unavailable(error):
                raise  # the worker waits for the database and resumes the run
            log.exception("import run failed")
            self.lease.release({"status": states.FAILED, **self._counts()})

    def _run_steps(self):
        if self.operation.get(states.SELECTION_PENDING):
            # startImport stopped half-way and could not even step back (the database was
            # away): import none of a half-applied selection; it is to be sent again.
            back = {"status": states.USER_SELECTION, states.SELECTION_PENDING: False}
            self.lease.stop("startImport did not finish: back to the selection", back)
        status = self.operation.get("status")
        counts = self._start_counts(first_start=status == states.IMPORTING_STARTED)
        if status in states.USER_STEPS:
            self._report({"status": states.IMPORTING_USERS, **counts})
            self._import_users()
            start = 0
        else:
            start = states.LATER_STEPS.index(status) if status in states.LATER_STEPS else 0
        for step in states.LATER_STEPS[start:]:
            self._report({"status": step})
            if step == states.IMPORTING_CHANNELS:
                self._import_channels()
        self.lease.release({"status": states.DONE, **self._counts()})
        log.info(
            "import run done: %s created, %s updated, %s failed",
            self.created,
            self.updated,
            self.failed,
        )

    def _start_counts(self, first_start):
        # Counts follow from the staging area and the recorded updates, so they are exact
        # even after a crash: only imported users leave staging, failed records stay with
        # their reason, and each update is recorded once.
        staged = staging.count_users(self.db)
        self.failed = staging.count_users(self.db, failed_only=True)
        if first_start:
            self.selected = staged
            # A file operation keeps Rocket.Chat's counts of what the file held.
            kept = (
                {} if self.rules.file_importer else {"count.total": staged, "count.users": staged}
            )
            return {**kept, **self._counts()}
        self.selected = _selected(self.operation) or staged
        self.updated = self._finished_updates()
        self.created = max(self.selected - staged - self.updated, 0)
        return self._counts()

    def _finished_updates(self):
        # An update is recorded before its record leaves staging: the batch a crash cut
        # short (the first records still staged) is updated, and counted, again.
        in_flight = staging.first_pending_ids(self.db, self.settings.batch_size * READ_AHEAD)
        recorded = user_updates.count(self.db, self.id)
        return recorded - user_updates.count_among(self.db, in_flight)

    def _import_users(self):
        size = self.settings.batch_size
        cursor = staging.pending_users(self.db, batch_size=size * READ_AHEAD)
        while chunk := list(itertools.islice(cursor, size * READ_AHEAD)):
            staged = [(record, identity(record["data"])) for record in chunk]
            # One lookup serves the ten batches of a chunk; Holders then follows what
            # they create, and the unique indexes catch what a concurrent writer adds.
            holders = Holders(users.find_holders(self.db, **lookup_of(i for _, i in staged)))
            self.writer.begin_chunk(chunk)
            for start in range(0, len(staged), size):
                self._run_batch(staged[start : start + size], holders)

    def _import_channels(self):
        operator = users.members_by_ids(self.db, [self.operation.get("user")])
        channels = ChannelImport(
            self.db,
            operator.get(self.operation.get("user")),
            self.rooms,
            self._touch,
            lambda: self._report(self._counts()),
        )
        channels.run()
        # Exact whatever a crash cut short: each count is its room's subscriptions.
        memberships.recount(self.db, self.touched)
        self._report(self._counts())

    def _touch(self, room_ids):
        """Record the rooms about to be joined before any subscription is written to them."""
        new = set(room_ids) - self.touched
        if new:
            self.touched |= new
            # Renews (or loses) the lease only: a cancel mid-batch waits for the batch's end.
            self.lease.report({states.ROOMS_TOUCHED: sorted(self.touched)})

    def _run_batch(self, staged, holders):
        outcome = self.writer.write(staged, holders)
        self.rooms.joined += self.landing.take_joined()
        self.created += len(outcome.created)
        self.updated += len(outcome.updated)
        self.failed += len(outcome.reasons)
        self._report(self._counts())
        if self.worker.on_batch:
            self.worker.on_batch(self)
        self.lease.stop_if_worker_stopping()

    def _counts(self):
        # count.completed and count.error as Rocket.Chat counts users; userCounts (ours)
        # tells created and updated users apart, channels and messages never mixed in.
        user_counts = {
            "selected": self.selected,
            "created": self.created,
            "updated": self.updated,
            "failed": self.failed,
        }
        return {
            "count.completed": self.created + self.updated,
            "count.error": self.failed,
            states.USER_COUNTS: user_counts,
            states.ROOM_COUNTS: self.rooms.as_reported(),
        }

    def _report(self, changes):
        """Write progress, then stop if the operation was invalidated or cancelled."""
        self._stop_if_asked(self.lease.report(changes))

    def _stop_if_asked(self, state):
        if state.get("valid") is not True:
            self.lease.stop(INVALIDATED)
        if state.get(states.CANCEL):
            # The channels step's recount will not come: a count a crash left short is
            # made exact now.
            memberships.recount(self.db, self.touched)
            cancelled = {"status": states.CANCELLED, **self._counts()}
            self.lease.stop("the operation was cancelled (import.cancel)", cancelled)


def _selected(operation):
    # The users the run started with; runs begun by older versions counted them in count.total.
    saved = (operation.get(states.USER_COUNTS) or {}).get("selected")
    return saved if saved is not None else (operation.get("count") or {}).get("total")
