"""One preparation: a claimed file operation, downloaded if need be, read into the staging
area, and ended at `importer_user_selection` or `importer_import_failed`.

A preparation is restarted from the start when another worker takes it over: its staged
records have `_id`s derived from the operation and the row, so a row staged twice (by a
worker that lost its lease but had not noticed yet) is the same record, staged once.
"""

import hashlib
import logging
import time

from app import importers
from app.contract import states
from app.importers import download as downloads
from app.importers.base import Channels, ImportFileError, Messages, Step, Users
from app.importers.names import stored_file_name
from app.models import import_files, import_operations, settings, staging
from app.models.db_errors import is_unavailable
from app.services import clock
from app.services.lease import INVALIDATED, Lease, Stopped
from app.services.selection_snapshot import SnapshotWriter

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # rows staged per write
REPORT_SECONDS = 0.5  # counts are written at most this often (and at every step)
CHANNEL_BASE = 0x8000_0000  # channel records are numbered after every possible user row
_LAST = 0xFFFF_FFFF


def record_id(operation_id, number):
    """Return the 24-hex `_id` of the record `number` of an operation's file, in file order."""
    prefix = hashlib.sha256(str(operation_id).encode()).hexdigest()[:16]
    return f"{prefix}{number:08x}"


class Preparation:
    """Prepare one claimed file operation, from its first byte, whoever started it before."""

    def __init__(self, worker, operation):
        self.worker, self.operation = worker, operation
        self.db, self.settings = worker.db, worker.file_settings
        self.id = operation["_id"]
        self.lease = Lease.of_worker(worker, self.id)
        self.counts = {"users": 0, "channels": 0, "messages": 0}
        self.status = operation.get("status")
        self._reported = 0.0

    def execute(self):
        """Run to `user_selection`, or fail the operation with the reason; a stop leaves it."""
        try:
            self._run()
        except Stopped as stop:
            log.warning("preparation stopped: %s", stop)
        except Exception as error:
            if is_unavailable(error):
                raise  # the worker waits for the database, then starts the preparation again
            if not import_operations.is_valid(self.db, self.id):
                # Replaced or cleared while it was read (its file may be gone): not a failure.
                log.warning("preparation stopped: the operation was invalidated")
                self._fail(None)
            elif isinstance(error, ImportFileError):
                log.warning("preparation failed: %s", error)
                self._fail(str(error))
            else:
                log.exception("preparation failed")
                self._fail("the file could not be read: an internal error (see the server log)")

    def _run(self):
        key = self.operation.get("importerKey")
        importer = importers.find(key)
        if importer is None:
            raise ImportFileError(f"no file importer has the key {key}")
        if self.status == states.DOWNLOADING_FILE:
            self._download()  # the importer's prepare() checks the file's first bytes
        file = import_files.open_file(self.db, self.operation.get(states.FILE_ID))
        if file is None:
            raise ImportFileError("the import file is no longer stored: upload it again")
        # Whatever an earlier attempt staged goes: this one reads the file from its start.
        self._clear_staged()
        self.snapshot = SnapshotWriter(self.db, self.id)
        try:
            with file:
                for event in importer.prepare(file, self.settings.limits, BATCH_SIZE):
                    self._handle(event)
            if not self.counts["users"]:
                raise ImportFileError(f"{self.operation.get('file')}: no user to import")
            self.snapshot.close()
        except BaseException:
            self.snapshot.abort()
            raise
        if self.lease.release({"status": states.USER_SELECTION, **self._counts()}):
            # Rocket.Chat counts the users its importers read, once per file prepared.
            settings.increment(self.db, importer.counter, self.counts["users"])
        log.info("preparation done: %s users staged", self.counts["users"])

    def _handle(self, event):
        if isinstance(event, Step):
            self.status = event.status
            self._report(force=True)
        elif isinstance(event, Users):
            # Staged as Rocket.Chat's file importers stage them: the file's roles only; a
            # new user gets the default roles when created, an existing one keeps its own.
            self._stage(event.records, staging.USER, self.counts["users"])
            self.snapshot.add(event.records)
            self.counts["users"] += len(event.records)
        elif isinstance(event, Channels):
            number = CHANNEL_BASE + self.counts["channels"]
            self._stage(event.records, staging.CHANNEL, number)
            self.counts["channels"] += len(event.records)
        elif isinstance(event, Messages):
            self.counts["messages"] += event.count
            self._report()
        self.lease.stop_if_worker_stopping()

    def _stage(self, records, data_type, first_number):
        # The lease is renewed (and checked) before the write, at most every REPORT_SECONDS:
        # a row a worker stages after losing it has the same `_id` as the new holder's.
        self._report()
        staged = [
            {"_id": record_id(self.id, first_number + n), "dataType": data_type, "data": data}
            for n, data in enumerate(records)
        ]
        staging.insert_new(self.db, staged)

    def _download(self):
        url = (self.operation.get(states.DOWNLOAD) or {}).get("url")
        if not url:
            raise ImportFileError("the operation has no file to download")
        import_files.delete(self.db, [self.operation.get(states.FILE_ID)])  # a half-done attempt
        public = downloads.public_url(url)
        name = public.rstrip("/").rsplit("/", 1)[-1] or "download"
        limit = self.settings.limits.max_file_bytes
        writer = import_files.Writer(self.db, name, limit)
        # Recorded before the first byte: if this worker dies, the next attempt, import.new
        # and import.clear find and delete what it had written.
        self._report(force=True, changes={states.FILE_ID: writer.id})
        try:
            downloads.download(
                url,
                self._writing_to(writer),
                max_bytes=limit,
                timeout=self.settings.download_timeout,
                allowlist=self.settings.url_allowlist,
            )
            stored = writer.close()
        except BaseException as error:
            writer.abort()
            if isinstance(error, downloads.UrlRefused):
                raise ImportFileError(f"{public}: refused ({error})") from None
            if isinstance(error, import_files.FileTooLarge):
                raise ImportFileError(f"{public}: larger than {limit} bytes") from None
            if isinstance(error, ImportFileError):  # 404, timeout, too big: name the URL
                raise ImportFileError(f"{public}: {error}") from None
            raise
        changes = {
            "status": states.FILE_LOADED,
            "file": stored_file_name(clock.now(), self.operation.get("user"), name),
            "contentType": "application/octet-stream",
            states.FILE_ID: stored.id,
            states.DOWNLOAD: None,
        }
        self.status = states.FILE_LOADED
        self._report(force=True, changes=changes)
        self.operation.update(changes)

    def _writing_to(self, writer):
        def write(chunk):
            writer.write(chunk)
            self._report()  # a long download keeps its lease

        return write

    def _clear_staged(self):
        staging.delete_id_range(self.db, record_id(self.id, 0), record_id(self.id, _LAST))

    def _counts(self):
        total = sum(self.counts.values())
        return {**{f"count.{k}": v for k, v in self.counts.items()}, "count.total": total}

    def _report(self, force=False, changes=None):
        now_monotonic = time.monotonic()
        if not force and now_monotonic - self._reported < REPORT_SECONDS:
            return
        self._reported = now_monotonic
        state = self.lease.report(changes or {"status": self.status, **self._counts()})
        if state.get("valid") is not True:
            self._clear_staged()
            self.lease.stop(INVALIDATED)

    def _fail(self, reason):
        """Record why the file cannot be prepared (None: just give the operation up)."""
        try:
            failure = {"status": states.FAILED, states.ERROR_MESSAGE: reason, **self._counts()}
            failure = failure if reason is not None else {}
            # Only while the lease is ours: another worker may be preparing the file now.
            if self.lease.release(failure):
                self._clear_staged()
        except Exception as error:
            if is_unavailable(error):
                raise
            log.exception("could not record the failed preparation")
