"""A worker's patience with a database that went away: retry, backing off, and say so once."""

import logging
import time

from app.models import connection

log = logging.getLogger("app.services.worker")

LONGEST_PAUSE_SECONDS = 30.0


class Outage:
    """How long to wait before the next try while the database is away, and its log lines.

    The first failure is logged once, in one line (its cause, never pymongo's topology
    dump); the retries are logged at DEBUG; the recovery once, with how long it took.
    """

    def __init__(self, db, first_pause, longest_pause):
        self.db, self.first, self.longest = db, first_pause, longest_pause
        self.started = None
        self.pause = first_pause

    @classmethod
    def for_worker(cls, db, settings):
        """Start at the poll interval; back off to half a lease (the lease outlives a pause)."""
        longest = max(settings.poll_seconds, min(settings.lease_seconds / 2, LONGEST_PAUSE_SECONDS))
        return cls(db, settings.poll_seconds, longest)

    def failed(self, error):
        """Note a failed try; return how many seconds to wait before the next one."""
        if self.started is None:
            self.started, self.pause = time.monotonic(), self.first
            log.warning("database unavailable, retrying (backing off): %s", self._cause(error))
        else:
            self.pause = min(self.pause * 2, self.longest)
            log.debug("database still unavailable, next try in %.1fs", self.pause)
        return self.pause

    def succeeded(self):
        """Note a try that reached the database: the outage, if any, is over."""
        if self.started is not None:
            log.info("database back after %.1fs", time.monotonic() - self.started)
            self.started = None

    def _cause(self, error):
        problem = connection.diagnose(self.db, error)
        return f"{problem.kind}: {problem.host}: {problem.reason}"
