"""Sending invitations, a job of the import's shape: a worker claims an operation's job under
the same Lease, sends one batch, records it, and hands the job back (so imports come first).

A mail is marked `sending` before it goes and `sent` after, at most a second later: a worker
killed in between leaves it `sending`, and the next one sends it again, with the same link.
So a person gets at most one duplicate; a mail interrupted twice is failed, not sent thrice.
"""

import logging
import time
from datetime import timedelta

from app.contract import invitations as states
from app.models import invitation_jobs, invitations, users
from app.models.db_errors import is_unavailable
from app.services import clock, enrollment, lease, smtp
from app.services.invitation_mail import Template
from app.services.lease import Lease, Stopped
from app.services.mail_settings import MailConfigError, load

log = logging.getLogger(__name__)

REPORT_SECONDS = 1.0  # outcomes are written (and the lease renewed) at least this often
TWICE = "sending was interrupted twice (a worker stopped): it may have been delivered"


def claim(worker):
    """Take the lease of a due invitation job, or return None."""
    now = clock.now()
    expires = lease.expiry(now, worker.settings.lease_seconds)
    return invitation_jobs.claim(worker.db, worker.worker_id, now, expires)


class InvitationRun:
    """Send one batch of a claimed job's invitations and hand the job back."""

    def __init__(self, worker, job):
        self.worker, self.db, self.id = worker, worker.db, job["_id"]
        self.settings = worker.invite_settings  # an InviteSettings
        self.lease = Lease.of_worker(worker, self.id, model=invitation_jobs)
        self.sent, self.retries, self.failures, self.skipped = [], {}, {}, {}
        self.waiting = []  # ids marked `sending` and not tried yet
        self.next_mail = time.monotonic()
        self._reported = time.monotonic()

    def execute(self):
        """Send a batch; a stop or an error leaves each invitation in a state it resumes from."""
        try:
            self._run()
        except Stopped as stop:
            log.warning("invitations stopped: %s", stop)
        except Exception as error:
            if is_unavailable(error):
                raise  # the worker waits for the database; `sending` ones are resumed
            log.exception("invitation batch failed")
            self._settle()
            self.lease.release({"dueAt": clock.now() + self.settings.backoff(1)})

    def _run(self):
        self._stop_if_cancelled(self.lease.report({}))
        batch = self._batch()
        if not batch:  # retries not due yet, or nobody left
            self._record()
            return self._hand_back()
        try:
            mail = load(self.db, self.settings.mail_url)
        except MailConfigError as error:
            return self._fail_all(str(error))
        ready = self._prepare(batch, mail)
        session = smtp.Session(
            mail.server, timeout=self.settings.timeout, ca_file=self.settings.ca_file
        )
        try:
            self._send(ready, Template(mail), session)
        except smtp.Unusable as error:
            self._settle()
            return self._fail_all(str(error))
        finally:
            session.close()
        self._settle()
        self._hand_back()

    def _batch(self):
        # Left `sending` by a worker that died: sent again once, then failed (TWICE).
        size = self.settings.batch_size
        batch = invitations.interrupted(self.db, self.id, size)
        for invitation in batch:
            if invitation.get("interrupted"):
                self.failures[invitation["_id"]] = {"reason": TWICE}
            invitation["interrupted"] = 1
        batch = [i for i in batch if i["_id"] not in self.failures]
        return batch + invitations.due(self.db, self.id, clock.now(), size - len(batch))

    def _prepare(self, batch, mail):
        """Check each person again, write their token, mark them `sending`; return
        [(invitation, email, link)] to send."""
        now, people = clock.now(), users.invitees(self.db, [i["userId"] for i in batch])
        tokens, changes, ready = {}, {}, []
        for invitation in batch:
            user = people.get(invitation["userId"])
            reason = _why_not(user)
            if reason:
                self.skipped[invitation["_id"]] = {"reason": reason}
                continue
            email, record = user["emails"][0]["address"], _enroll_record(user)
            if not enrollment.reusable(record, email, invitation.get("tokenWhen"), now):
                record = tokens[user["_id"]] = enrollment.new_record(email, now)
            fresh = {"email": email, "name": user.get("name") or "", "tokenWhen": record["when"]}
            fresh["interrupted"] = invitation.get("interrupted", 0)
            if any(invitation.get(key) != value for key, value in fresh.items()):
                changes[invitation["_id"]] = fresh
            invitation.update(fresh)
            ready.append((invitation, email, enrollment.link(mail.site_url, record["token"])))
        # The token is stored before the mail goes, so that its link works when it arrives.
        users.set_enroll_tokens(self.db, tokens)
        self.waiting = [invitation["_id"] for invitation, _, _ in ready]
        invitations.mark_sending(self.db, self.waiting, changes, now)
        return ready

    def _send(self, ready, template, session):
        for index, (invitation, email, url) in enumerate(ready):
            if self.worker.stopping() or self._pause():
                self._settle()
                self.lease.stop("the worker is shutting down")
            self.waiting.remove(invitation["_id"])
            try:
                message = template.message(invitation.get("name"), email, url)
                session.send(template.from_email, email, message)
                self.sent.append(invitation["_id"])
            except ValueError:
                self.failures[invitation["_id"]] = {"reason": "the address cannot be mailed"}
            except smtp.Unreachable as refusal:
                for later, _, _ in ready[index:]:
                    self._refused(later, refusal)
                self.waiting = []
                return
            except smtp.Refused as refusal:
                self._refused(invitation, refusal)
            self._report()

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
            self._record()
            self._stop_if_cancelled(self.lease.report({}))

    def _record(self):
        self._reported = time.monotonic()
        outcomes = (self.sent, self.retries, self.failures, self.skipped)
        if any(outcomes):
            invitations.record(self.db, *outcomes, clock.now())
            log.info(
                "invitations: %s sent, %s to retry, %s failed, %s skipped",
                *(len(outcome) for outcome in outcomes),
            )
        self.sent, self.retries, self.failures, self.skipped = [], {}, {}, {}

    def _settle(self):
        """Record what is known, and queue again what was not tried."""
        self._record()
        invitations.requeue_sending(self.db, self.waiting, clock.now())
        self.waiting = []

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
        due = invitations.next_due(self.db, self.id, now)
        if due is None:
            self.lease.release(
                {"status": states.JOB_DONE, "dueAt": now, invitation_jobs.CANCEL: False}
            )
        else:
            turn = now + timedelta(seconds=max(self.next_mail - time.monotonic(), 0))
            self.lease.release({"dueAt": max(due, turn)})
        later = invitations.next_due(self.db, self.id, clock.now())
        if later is not None and (due is None or later < due):
            invitation_jobs.reopen(self.db, self.id, later)


def _why_not(user):
    if user is None:
        return states.USER_REMOVED
    if not (user.get("emails") or [{}])[0].get("address"):
        return states.NO_EMAIL
    if user.get("active") is False:
        return states.INACTIVE
    if user.get("lastLogin"):
        return states.LOGGED_IN
    return None


def _enroll_record(user):
    return ((user.get("services") or {}).get("password") or {}).get("enroll")
