"""A worker's hold on one claimed operation: every write renews it, losing it stops the work."""

from app.models import import_operations
from app.services import clock


class Stopped(Exception):
    """The work must stop: invalidated, cancelled, its lease lost, or its worker stopping."""


INVALIDATED = "the operation was invalidated (import.clear or import.new)"


class Lease:
    """The lease one worker holds on one document: an operation, for an import run or a
    preparation, or the document of another job, whose `model` has the same report() and
    release() (app/models/invitation_jobs)."""

    def __init__(self, worker, operation_id, model=import_operations):
        self.worker, self.db, self.worker_id = worker, worker.db, worker.worker_id
        self.settings, self.operation_id = worker.settings, operation_id
        self.model = model

    def write(self, changes):
        """Write changes and renew the lease; return `{valid, cancel}`; Stopped if it was lost."""
        # Renewing the lease with every write is what tells other workers the work is alive.
        now = clock.now()
        state = self.model.report(
            self.db,
            self.operation_id,
            self.worker_id,
            changes,
            now,
            self.settings.lease_expiry(now),
        )
        if state is None:
            raise Stopped("another worker holds the lease")  # nothing of ours to release
        return state

    def release(self, changes):
        """Write the last changes and give the lease up; tell whether it was still ours."""
        return self.model.release(self.db, self.operation_id, self.worker_id, changes, clock.now())

    def stop(self, reason, changes=None):
        """Write the last changes, give the lease up and raise Stopped(reason)."""
        self.release(changes or {})
        raise Stopped(reason)

    def stop_if_worker_stopping(self):
        """Hand the operation over at once, rather than when the lease expires, when the
        worker is asked to stop."""
        if self.worker.stopping():
            self.stop("the worker is shutting down")
