"""A hold on one operation, a worker's or startImport's: every report renews it, losing it
stops the work."""

from datetime import timedelta

from app.models import import_operations
from app.services import clock


class Stopped(Exception):
    """The work must stop: invalidated, cancelled, its lease lost, or its worker stopping."""


INVALIDATED = "the operation was invalidated (import.clear or import.new)"


def expiry(now, seconds):
    """Return when a lease taken or renewed at `now` for `seconds` expires."""
    return now + timedelta(seconds=seconds)


def _never():
    return False


class Lease:
    """The lease one holder has on one document: an import operation (a run, a preparation,
    a selection), or the document of another job whose `model` has the same report() and
    release() (app/models/invitation_jobs)."""

    def __init__(self, db, operation_id, holder, seconds, stopping=_never, model=None):
        self.db, self.operation_id, self.holder = db, operation_id, holder
        self.seconds, self.stopping = seconds, stopping
        self.model = model or import_operations

    @classmethod
    def of_worker(cls, worker, operation_id, model=None):
        """Return the lease a worker holds on the operation (or job) it claimed."""
        seconds = worker.settings.lease_seconds
        return cls(worker.db, operation_id, worker.worker_id, seconds, worker.stopping, model)

    @classmethod
    def take(cls, db, operation_id, holder, seconds, expected, status, changes=None):
        """Move a valid operation from `expected` to `status` under a new lease for holder;
        return the Lease, or None when the operation was not valid at `expected`."""
        now = clock.now()
        taken = import_operations.switch_status_leased(
            db, operation_id, expected, status, holder, now, expiry(now, seconds), changes
        )
        return cls(db, operation_id, holder, seconds) if taken else None

    def report(self, changes):
        """Write progress and renew the lease; return `{valid, cancel}`; Stopped if it was lost."""
        # Renewing the lease with every write is what tells other workers the work is alive.
        now = clock.now()
        state = self.model.report(
            self.db, self.operation_id, self.holder, changes, now, expiry(now, self.seconds)
        )
        if state is None:
            raise Stopped("another worker holds the lease")  # nothing of ours to release
        return state

    def release(self, changes):
        """Write the last changes and give the lease up; tell whether it was still ours."""
        return self.model.release(self.db, self.operation_id, self.holder, changes, clock.now())

    def stop(self, reason, changes=None):
        """Write the last changes, give the lease up and raise Stopped(reason)."""
        self.release(changes or {})
        raise Stopped(reason)

    def stop_if_worker_stopping(self):
        """Hand the operation over at once, rather than when the lease expires, when the
        worker is asked to stop."""
        if self.stopping():
            self.stop("the worker is shutting down")
