"""Import workers: claim runs with a lease, run them, and pick up runs whose worker died;
between runs, send batches of invitations under the same kind of lease."""

import contextlib
import logging
import os
import socket
import threading
import uuid

from app import context
from app.contract import states
from app.models import import_operations
from app.models.db_errors import is_unavailable
from app.services import clock, invitation_sending, lease
from app.services.file_imports import FileSettings
from app.services.invite_settings import InviteSettings
from app.services.outage import Outage
from app.services.passwords import Hasher
from app.services.preparation import Preparation
from app.services.runner import ImportRun, RunSettings
from app.services.sync_run import SyncRun

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _about(run_id):
    """Name the operation (or invitation job) in every log line written meanwhile."""
    token = context.run_id.set(run_id)
    try:
        yield
    finally:
        context.run_id.reset(token)


def new_worker_id():
    """Return an id naming this worker in leases and logs: host, process, and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims import runs one at a time, and batches of invitations between them; any number
    of workers may share one database."""

    def __init__(
        self,
        db,
        settings,
        *,
        worker_id=None,
        on_batch=None,
        on_run_end=None,
        file_settings=None,
        invite_settings=None,
    ):
        self.db = db
        self.settings = settings  # a RunSettings
        self.file_settings = file_settings or FileSettings.default()  # for file operations
        self.invite_settings = invite_settings or InviteSettings.default()  # for invitations
        self.worker_id = worker_id or new_worker_id()
        self.on_batch = on_batch  # called with the ImportRun after each batch
        self.on_run_end = on_run_end  # called with the ImportRun when it ends, however
        self.hasher = Hasher(settings.bcrypt_rounds)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None

    @classmethod
    def from_settings(cls, db, config, **options):
        """Return a worker configured by the service's settings (BCRYPT_ROUNDS, IMPORT_*)."""
        files, invites = FileSettings.from_settings(config), InviteSettings.from_config(config)
        run = RunSettings.from_config(config)
        return cls(db, run, file_settings=files, invite_settings=invites, **options)

    def claim(self):
        """Take the lease of one run that is waiting, or whose worker's lease expired."""
        now = clock.now()
        expires = lease.expiry(now, self.settings.lease_seconds)
        return import_operations.claim(self.db, states.CLAIMABLE, self.worker_id, now, expires)

    def stopping(self):
        """Tell whether stop() was asked for: a run hands its operation over after its batch."""
        return self._stop.is_set()

    def run_pending(self):
        """Run claimable operations, and batches of invitations when no operation waits,
        until none is left; return how many runs and batches were made."""
        runs = 0
        while not self._stop.is_set():
            if (operation := self.claim()) is not None:
                self._run_operation(operation)
            elif (job := invitation_sending.claim(self)) is not None:
                # One batch, then the lease goes back: an import never waits for mail.
                with _about(job["_id"]):
                    invitation_sending.InvitationRun(self, job).execute()
            else:
                break
            runs += 1
        return runs

    def _run_operation(self, operation):
        with _about(operation["_id"]):
            log.info("import run claimed by %s", self.worker_id)
            # A file operation before its selection is prepared; the others imported.
            preparing = operation.get("status") in states.PREPARABLE
            if preparing:
                run = Preparation(self, operation)
            else:  # a sync carries out its plan; an import creates its staged users
                run = (SyncRun if SyncRun.handles(operation) else ImportRun)(self, operation)
            run.execute()
        if self.on_run_end and not preparing:
            self.on_run_end(run)

    def pause(self, seconds):
        """Wait `seconds`, or less if stop() is asked meanwhile; tell whether it was."""
        return self._stop.wait(seconds)

    def run_forever(self):
        """Run imports until stop(); wait for the database when it is unreachable."""
        outage = Outage.for_worker(self.db, self.settings)
        while not self._stop.is_set():
            pause = self.settings.poll_seconds
            try:
                ran = self.run_pending()
                outage.succeeded()
            except Exception as error:
                # A worker that dies leaves its run waiting for the lease to expire: it
                # waits for the database instead (what the driver did not retry), then
                # claims the run it holds again and resumes it; every write is idempotent.
                if is_unavailable(error):
                    pause = outage.failed(error)
                else:
                    log.exception("import worker error, retrying in %ss", pause)
                ran = 0
            if not ran:
                self._wake.wait(pause)
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
