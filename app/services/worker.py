"""Import workers: claim runs with a lease, run them, and pick up runs whose worker died."""

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from app import context
from app.models import import_operations
from app.models.connection import is_unavailable
from app.services import clock, states
from app.services.file_imports import FileSettings
from app.services.passwords import Hasher
from app.services.preparation import Preparation
from app.services.runner import ImportRun, RunSettings

log = logging.getLogger(__name__)


def new_worker_id():
    """Return an id naming this worker in leases and logs: host, process, and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims import runs one at a time; any number of workers may share one database."""

    def __init__(
        self,
        db,
        *,
        bcrypt_rounds=10,
        run_settings=None,
        poll_seconds=1.0,
        on_batch=None,
        on_run_end=None,
        worker_id=None,
        file_settings=None,
    ):
        self.db = db
        self.id = worker_id or new_worker_id()
        self.settings = run_settings or RunSettings()
        self.poll_seconds = poll_seconds
        self.on_batch = on_batch  # called with the ImportRun after each batch
        self.on_run_end = on_run_end  # called with the ImportRun when it ends, however
        self.file_settings = file_settings or FileSettings.default()
        self.hasher = Hasher(bcrypt_rounds)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None

    @classmethod
    def from_settings(cls, db, settings):
        """Return a worker configured by the service's settings (BCRYPT_ROUNDS, IMPORT_*)."""
        return cls(
            db,
            bcrypt_rounds=settings["BCRYPT_ROUNDS"],
            run_settings=RunSettings(
                batch_size=settings["IMPORT_BATCH_SIZE"],
                lease_seconds=settings["IMPORT_LEASE_SECONDS"],
            ),
            poll_seconds=settings["IMPORT_POLL_SECONDS"],
            file_settings=FileSettings.from_settings(settings),
        )

    def claim(self):
        """Take the lease of one run that is waiting, or whose worker's lease expired."""
        now = clock.now()
        expires = now + timedelta(seconds=self.settings.lease_seconds)
        return import_operations.claim(self.db, states.CLAIMABLE, self.id, now, expires)

    def run_pending(self):
        """Run claimable operations until none is left; return how many runs were made."""
        runs = 0
        while not self._stop.is_set() and (operation := self.claim()) is not None:
            token = context.run_id.set(operation["_id"])
            try:
                log.info("import run claimed by %s", self.id)
                run = self._runner_of(operation)
                run.execute()
            finally:
                context.run_id.reset(token)
            runs += 1
            if self.on_run_end and isinstance(run, ImportRun):
                self.on_run_end(run)
        return runs

    def _runner_of(self, operation):
        # A file operation before its selection is prepared; anything else is imported.
        if operation.get("status") in states.PREPARABLE:
            return Preparation(
                self.db,
                operation,
                self.id,
                self.file_settings,
                self.settings.lease_seconds,
                stopping=self._stop.is_set,
            )
        return ImportRun(
            self.db,
            operation,
            self.id,
            self.hasher,
            self.settings,
            on_batch=self.on_batch,
            stopping=self._stop.is_set,
        )

    def run_forever(self):
        """Run imports until stop(); wait for the database when it is unreachable."""
        while not self._stop.is_set():
            try:
                ran = self.run_pending()
            except Exception as error:
                # A worker that dies leaves its run waiting for the lease to expire: it
                # waits for the database instead, then resumes the run it holds.
                if is_unavailable(error):
                    log.warning(
                        "database unavailable, retrying in %ss: %s", self.poll_seconds, error
                    )
                else:
                    log.exception("import worker error, retrying in %ss", self.poll_seconds)
                ran = 0
            if not ran:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def wake(self):
        """Look for work now rather than at the next poll."""
        self._wake.set()

    def start(self):
        """Run the worker on a daemon thread of this process."""
        self._thread = threading.Thread(target=self.run_forever, name="import-worker", daemon=True)
        self._thread.start()
        return self._thread

    def is_running(self):
        """Tell whether the worker's thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def request_stop(self):
        """Ask the worker to stop after the current batch (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout=None):
        """Finish the current batch, then stop; wait for the thread if there is one."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self.hasher.close()
