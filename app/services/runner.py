"""One import run: a claimed operation, processed in batches until done, stopped or failed."""

import itertools
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from app.contract import states
from app.contract.identities import Holders, identity, lookup_of
from app.models import staging, users
from app.models.db_errors import is_unavailable
from app.services import accounts, clock, passwords
from app.services.lease import INVALIDATED, Lease, Stopped

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

    @classmethod
    def from_config(cls, config):
        """Return the run settings of the service's settings (BCRYPT_ROUNDS, IMPORT_*)."""
        return cls(
            bcrypt_rounds=config["BCRYPT_ROUNDS"],
            batch_size=config["IMPORT_BATCH_SIZE"],
            lease_seconds=config["IMPORT_LEASE_SECONDS"],
            poll_seconds=config["IMPORT_POLL_SECONDS"],
        )

    def lease_expiry(self, now):
        """Return when a lease taken or renewed at `now` expires: the only place it is computed."""
        return now + timedelta(seconds=self.lease_seconds)


@dataclass
class Outcome:
    """What one batch did: records that became users, and why each other record failed."""

    created: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)  # {record id: why it was not created}


class ImportRun:
    """Run one claimed operation to `importer_done`, resuming wherever it stopped."""

    def __init__(self, worker, operation):
        self.worker, self.operation = worker, operation
        self.db, self.settings = worker.db, worker.settings
        self.id = operation["_id"]
        self.lease = Lease(worker, self.id)
        self.total = self.completed = self.failed = 0  # counts of users, as reported
        self._unknown_password = None
        self._extensions = set()  # voipExtensions held, or taken by this run
        file_importer = (operation.get("importerKey") or "api") != "api"
        self.rules = accounts.AccountRules.read(self.db, file_importer)

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
        status = self.operation.get("status")
        counts = self._start_counts(first_start=status == states.IMPORTING_STARTED)
        if status in states.USER_STEPS:
            self._progress({"status": states.IMPORTING_USERS, **counts})
            self._import_users()
            start = 0
        else:
            start = states.LATER_STEPS.index(status) if status in states.LATER_STEPS else 0
        for step in states.LATER_STEPS[start:]:
            self._progress({"status": step})
        self.lease.release({"status": states.DONE, **self._counts()})
        log.info("import run done: %s created, %s failed", self.completed, self.failed)

    def _start_counts(self, first_start):
        # Counts follow from the staging area, so they are exact even after a crash:
        # only created users leave it, and failed records stay with their reason.
        staged = staging.count_users(self.db)
        self.failed = staging.count_users(self.db, failed_only=True)
        if first_start:
            self.total = staged
            return {"count.total": staged, "count.users": staged, **self._counts()}
        self.total = (self.operation.get("count") or {}).get("total") or staged
        self.completed = max(self.total - staged, 0)
        return self._counts()

    def _import_users(self):
        size = self.settings.batch_size
        cursor = staging.pending_users(self.db, batch_size=size * READ_AHEAD)
        while chunk := list(itertools.islice(cursor, size * READ_AHEAD)):
            staged = [(record, identity(record["data"])) for record in chunk]
            # One lookup serves the ten batches of a chunk; Holders then follows what
            # they create, and the unique indexes catch what a concurrent writer adds.
            holders = Holders(users.find_holders(self.db, **lookup_of(i for _, i in staged)))
            self._extensions = users.extensions_held(self.db, _extensions(chunk))
            for start in range(0, len(staged), size):
                self._run_batch(staged[start : start + size], holders)

    def _run_batch(self, staged, holders):
        outcome = self._process(staged, holders)
        self.completed += len(outcome.created)
        self.failed += len(outcome.reasons)
        self._progress(self._counts())
        if self.worker.on_batch:
            self.worker.on_batch(self)
        self.lease.stop_if_worker_stopping()

    def _process(self, staged, holders):
        outcome, planned = Outcome(), []
        for record, who in staged:
            user_id = accounts.user_id_for(self.id, record["_id"])
            if user_id in holders.user_ids:  # created by this run before it was interrupted
                outcome.created.append(record["_id"])
            elif reason := holders.conflict(who) or self._extension_taken(record["data"]):
                outcome.reasons[record["_id"]] = reason
            else:
                holders.take(user_id, who)
                planned.append((record, user_id))
        self._create(planned, outcome)
        staging.delete_ids(self.db, outcome.created)
        staging.mark_failed(self.db, outcome.reasons)
        return outcome

    def _extension_taken(self, data):
        # Rocket.Chat's freeSwitchExtension index is unique; the embedded database has no
        # unique index, so the run keeps the extensions unique itself.
        extension = data.get("voipExtension")
        if not extension:
            return None
        if extension in self._extensions:
            return f"voipExtension already in use: {extension}"
        self._extensions.add(extension)
        return None

    def _create(self, planned, outcome):
        now = clock.now()
        hashes = self._hashes([_staged_digest(record) for record, _ in planned])
        documents = [
            accounts.new_user(user_id, record["data"], bcrypt_hash, now, self.rules)
            for (record, user_id), bcrypt_hash in zip(planned, hashes, strict=True)
        ]
        refused = users.insert_new(self.db, documents)
        if refused:
            refused = self._explain(refused, documents)
        for index, (record, _) in enumerate(planned):
            if refused.get(index):
                outcome.reasons[record["_id"]] = refused[index]
            else:
                outcome.created.append(record["_id"])

    def _explain(self, refused, documents):
        # The database refused what the lookup let through: a concurrent writer, our own
        # earlier insert (same _id) that the run did not see finish, or a document it
        # cannot store. Only the last is not about identities.
        ours = users.ids_existing(self.db, [documents[i]["_id"] for i in refused])
        reasons = {}
        for index, refusal in refused.items():
            document, key = documents[index], refusal.get("key")
            if "message" in refusal:
                reasons[index] = f"could not be stored: {refusal['message']}"
            elif key == "_id" or (key is None and document["_id"] in ours):
                reasons[index] = None
            elif key == "username":
                reasons[index] = f"username already in use: {document.get('username')}"
            elif key == "freeSwitchExtension":
                extension = document.get("freeSwitchExtension")
                reasons[index] = f"voipExtension already in use: {extension}"
            else:
                addresses = ", ".join(e["address"] for e in document["emails"])
                reasons[index] = f"email already in use: {addresses}"
        return reasons

    def _hashes(self, digests):
        computed = iter(self.worker.hasher.hash_digests([d for d in digests if d]))
        return [next(computed) if d else self._password_nobody_knows() for d in digests]

    def _password_nobody_knows(self):
        if self._unknown_password is None:
            self._unknown_password = self.worker.hasher.unknowable()
        return self._unknown_password

    def _counts(self):
        return {"count.completed": self.completed, "count.error": self.failed}

    def _progress(self, changes):
        """Write progress, then stop if the operation was invalidated or cancelled."""
        self._stop_if_asked(self.lease.write(changes))

    def _stop_if_asked(self, state):
        if state.get("valid") is not True:
            self.lease.stop(INVALIDATED)
        if state.get(states.CANCEL):
            cancelled = {"status": states.CANCELLED, **self._counts()}
            self.lease.stop("the operation was cancelled (import.cancel)", cancelled)


def _extensions(records):
    return [r["data"]["voipExtension"] for r in records if r["data"].get("voipExtension")]


def _staged_digest(record):
    return passwords.staged_digest(
        record.get(staging.PASSWORD_DIGEST), record["data"].get("password")
    )
