"""Sending invitations, a job of the import's shape: a worker claims an operation's job under
the same Lease, sends chunks of it for a few seconds on one SMTP connection, records them,
and hands the job back (so imports come first).

A mail is marked `sending` before it goes and `sent` after: a worker killed in between leaves
it `sending`, and the next one sends it again, with the same link. So a person gets at most
one duplicate; a mail interrupted twice is failed, not sent thrice.

The database's work runs on a thread of its own, one chunk ahead: while a chunk goes to the
SMTP server, the next one is claimed (tokens stored, marked `sending`) and the last one's
outcomes are written. Each step still waits for what the rule needs before it: a chunk is
mailed only once it is marked `sending`.
"""

import contextvars
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from app.contract import invitations as states
from app.models import invitation_jobs, invitations
from app.models.db_errors import is_unavailable
from app.services import clock, lease, smtp
from app.services.invitation_claims import Claims
from app.services.invitation_mail import Template
from app.services.invite_settings import SLICE_SECONDS
from app.services.lease import Lease, Stopped
from app.services.mail_settings import MailConfigError, load

log = logging.getLogger(__name__)

REPORT_SECONDS = 1.0  # outcomes are written (and the lease renewed) at least this often


def claim(worker):
    """Take the lease of a due invitation job, or return None."""
    now = clock.now()
    expires = lease.expiry(now, worker.settings.lease_seconds)
    return invitation_jobs.claim(worker.db, worker.worker_id, now, expires)


class InvitationRun:
    """Send a claimed job's invitations for a slice of time and hand the job back."""

    def __init__(self, worker, job):
        self.worker, self.db, self.id = worker, worker.db, job["_id"]
        self.settings = worker.invite_settings  # an InviteSettings
        self.lease = Lease.of_worker(worker, self.id, model=invitation_jobs)
        self.claims = Claims(self.db, self.id, self.settings.batch_size)
        self.sent, self.retries, self.failures, self.skipped = [], {}, {}, {}
        self.waiting = {}  # ids marked `sending` and not tried yet (a dict keeps their order)
        self.next_mail = time.monotonic()
        self._reported = time.monotonic()
        self.background = self.following = self.unreachable = None
        self.writes = []  # [(future, outcomes)] handed to the database thread, oldest first

    def execute(self):
        """Send a slice; a stop or an error leaves each invitation in a state it resumes from."""
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="invitations-db") as self.background:
                self._run()
        except Stopped as stop:
            log.warning("invitations stopped: %s", stop)
        except Exception as error:
            if is_unavailable(error):
                self._settle_if_possible()
                raise  # the worker waits for the database; `sending` ones are resumed
            log.exception("invitation batch failed")
            self._settle(failed=True)
            self.lease.release({"dueAt": clock.now() + self.settings.backoff(1)})

    def _run(self):
        self._stop_if_cancelled(self.lease.report({}))
        batch, failures = self.claims.first()
        if not batch:  # retries not due yet, or nobody left
            self.failures.update(failures)
            self._record()
            return self._hand_back()
        try:
            mail = load(self.db, self.settings.mail_url)
        except MailConfigError as error:
            return self._fail_all(str(error))
        chunk = self._take(self.claims.prepare(batch, mail.site_url, failures))
        session = smtp.Session(
            mail.server, timeout=self.settings.timeout, ca_file=self.settings.ca_file
        )
        try:
            self._send_slice(chunk, Template(mail), session, mail.site_url)
        except smtp.Unusable as error:
            self._settle()
            return self._fail_all(str(error))
        finally:
            session.close()
        self._settle()
        self._hand_back()

    def _send_slice(self, ready, template, session, site_url):
        """Send chunk after chunk until none is due or the slice is over."""
        end = time.monotonic() + SLICE_SECONDS
        while ready:
            # Claim the next chunk meanwhile only if this one ends within the slice.
            if time.monotonic() + len(ready) * self.settings.interval < end:
                self.following = self._in_background(self.claims.next, site_url)
            if not self._send(ready, template, session):
                return self._refuse_following()
            self._flush()
            ready = self._take_following()
            self._confirm(keep=0)

    def _send(self, ready, template, session):
        """Mail a chunk; False once the server cannot be reached (the rest retried later)."""
        for index, (invitation, email, url) in enumerate(ready):
            if self.worker.stopping() or self._pause():
                self._settle()
                self.lease.stop("the worker is shutting down")
            self.waiting.pop(invitation["_id"], None)
            try:
                message = template.message(invitation.get("name"), email, url)
                session.send(template.from_email, email, message)
                self.sent.append(invitation["_id"])
            except ValueError:
                self.failures[invitation["_id"]] = {"reason": "the address cannot be mailed"}
            except smtp.Unreachable as refusal:
                for later, _, _ in ready[index:]:
                    self._refused(later, refusal)
                    self.waiting.pop(later["_id"], None)
                self.unreachable = refusal
                return False
            except smtp.Refused as refusal:
                self._refused(invitation, refusal)
            self._report()
        return True

    def _take(self, chunk):
        """Note a prepared chunk's people as waiting and its settled ones; return its mails."""
        self.waiting.update(dict.fromkeys(chunk.ids()))
        self.skipped.update(chunk.skipped)
        self.failures.update(chunk.failures)
        return chunk.ready

    def _in_background(self, function, *args):
        # On the database thread, its log lines about this job as the worker's are.
        return self.background.submit(contextvars.copy_context().run, function, *args)

    def _take_following(self, failed=False):
        following, self.following = self.following, None
        if following is None or (failed and following.exception() is not None):
            return []
        return self._take(following.result())

    def _refuse_following(self):
        # The server is unreachable: the chunk claimed meanwhile waits for its retry too.
        for invitation, _, _ in self._take_following():
            self._refused(invitation, self.unreachable)
            self.waiting.pop(invitation["_id"], None)

    def _pause(self):
        # The rate limit: wait for this mail's turn; True if the worker stops meanwhile.
        delay = self.next_mail - time.monotonic()
        self.next_mail = max(self.next_mail, time.monotonic()) + self.settings.interval
        return delay > 0 and self.worker.pause(delay)

    def _refused(self, invitation, refusal):
        attempts = invitation.get("attempts", 0) + 1
        fields = {"reason": refusal.reason, "attempts": attempts}
        if not refusal.temporary:
            self.failures[invitation["_id"]] = fields
        elif attempts >= self.settings.max_attempts:
            reason = f"{refusal.reason} (gave up after {attempts} attempts)"
            self.failures[invitation["_id"]] = {**fields, "reason": reason}
        else:
            retry_at = clock.now() + self.settings.backoff(attempts)
            self.retries[invitation["_id"]] = {**fields, "nextAttemptAt": retry_at}

    def _report(self):
        if time.monotonic() - self._reported >= REPORT_SECONDS:
            self._flush()

    def _flush(self):
        """Write the outcomes so far and renew the lease on the database thread; stop here
        if the previous write found the job cancelled."""
        self._reported = time.monotonic()
        outcomes = self._outcomes()
        self.writes.append((self._in_background(self._write_outcomes, outcomes), outcomes))
        self._confirm(keep=1)

    def _confirm(self, keep):
        """Wait for the writes but the `keep` newest, and the lease's renewal with each: no
        chunk goes after a write that failed (it stays, to be done again by _settle), nor
        once another worker may have taken the job over."""
        while len(self.writes) > keep:
            state = self.writes[0][0].result()
            self.writes.pop(0)
            self._stop_if_cancelled(state)

    def _write_outcomes(self, outcomes):
        self._write(outcomes)
        return self.lease.report({})

    def _outcomes(self):
        outcomes = (self.sent, self.retries, self.failures, self.skipped)
        self.sent, self.retries, self.failures, self.skipped = [], {}, {}, {}
        return outcomes

    def _write(self, outcomes):
        if any(outcomes):
            invitations.record(self.db, *outcomes, clock.now())
            log.info(
                "invitations: %s sent, %s to retry, %s failed, %s skipped",
                *(len(outcome) for outcome in outcomes),
            )

    def _record(self):
        self._reported = time.monotonic()
        self._write(self._outcomes())

    def _settle(self, failed=False):
        """Wait for the database thread, record what is known, and queue again what was not
        tried (the chunk claimed meanwhile too). After an error, a write of the database
        thread that failed is left out: what it did not write is resumed as usual."""
        self._take_following(failed)
        writes, self.writes = self.writes, []
        for future, outcomes in writes:
            if failed and future.exception() is not None:
                self._merge(outcomes)  # what it did not write is written below
            else:
                future.result()
        self._record()
        invitations.requeue_sending(self.db, list(self.waiting), clock.now())
        self.waiting = {}

    def _merge(self, outcomes):
        sent, retries, failures, skipped = outcomes
        self.sent.extend(sent)
        self.retries.update(retries)
        self.failures.update(failures)
        self.skipped.update(skipped)

    def _settle_if_possible(self):
        """After the database failed a write: record what is known and queue again what was
        not tried, if it answers again already (else each `sending` one is resumed as
        interrupted: at most one duplicate)."""
        try:
            self._settle(failed=True)
        except Exception as again:
            if not is_unavailable(again):
                raise
            log.warning("invitations left to resume: the database is still unavailable")

    def _stop_if_cancelled(self, state):
        if state.get(invitation_jobs.CANCEL):
            self._settle()
            invitations.close_open(self.db, self.id, states.SKIPPED, states.CANCELLED, clock.now())
            self._hand_back()
            raise Stopped("the invitations were cancelled (import.invitations.cancel)")

    def _fail_all(self, reason):
        log.warning("invitations failed: %s", reason)
        invitations.close_open(self.db, self.id, states.FAILED, reason, clock.now())
        self._hand_back()

    def _hand_back(self):
        """Give the job back, due at the next mail's turn or done; then look again, since
        import.invite may have queued someone meanwhile."""
        now = clock.now()
        # Due ones left of the queue this run read: due now, without asking the database.
        due = now if self.claims.more() else invitations.next_due(self.db, self.id, now)
        if due is None:
            self.lease.release(
                {"status": states.JOB_DONE, "dueAt": now, invitation_jobs.CANCEL: False}
            )
        else:
            turn = now + timedelta(seconds=max(self.next_mail - time.monotonic(), 0))
            self.lease.release({"dueAt": max(due, turn)})
        if due == now:
            return  # open and due: nothing queued meanwhile can be due earlier
        later = invitations.next_due(self.db, self.id, clock.now())
        if later is not None and (due is None or later < due):
            invitation_jobs.reopen(self.db, self.id, later)
