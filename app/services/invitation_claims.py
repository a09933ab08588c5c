"""Taking a chunk of an invitation job's people to mail: who is due, each person checked
again, their enroll token stored and the chunk marked `sending`, in four round trips.

Run by the sender's database thread while the previous chunk goes to the SMTP server.
"""

from dataclasses import dataclass, field

from app.contract import invitations as states
from app.models import invitations, users
from app.services import clock, enrollment

RUN_CHUNKS = 50  # chunks of the queue one run reads at once (it ends after a few seconds)
TWICE = "sending was interrupted twice (a worker stopped): it may have been delivered"


@dataclass
class Chunk:
    """People to mail now, [(invitation, email, link)], and those settled without a mail."""

    ready: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)  # {invitation id: {reason}}
    failures: dict = field(default_factory=dict)  # {invitation id: {reason}}

    def ids(self):
        """Return the ids of the invitations marked `sending`, not tried yet."""
        return [invitation["_id"] for invitation, _, _ in self.ready]


class Claims:
    """The chunks of one job a worker takes under its lease, the first one with what an
    earlier worker left `sending`."""

    def __init__(self, db, job_id, size, chunks=RUN_CHUNKS):
        self.db, self.job_id, self.size, self.chunks = db, job_id, size, chunks
        self.queue = []  # ids of the due invitations this run has not taken yet
        self.resent = set()  # ids sent once already, maybe: marked so before they go again

    def first(self):
        """Return the first chunk's invitations: left `sending` by a worker that died (sent
        again once, then failed), then due ones; (invitations, failures)."""
        # Only here: later, the `sending` ones are this worker's own, in flight.
        batch, failures = invitations.interrupted(self.db, self.job_id, self.size), {}
        for invitation in batch:
            if invitation.get("interrupted"):
                failures[invitation["_id"]] = {"reason": TWICE}
        batch = [i for i in batch if i["_id"] not in failures]
        self.resent = {invitation["_id"] for invitation in batch}
        limit = self.size * self.chunks
        self.queue = invitations.due_ids(self.db, self.job_id, clock.now(), limit)
        return batch + self._due(self.size - len(batch)), failures

    def next(self, site_url):
        """Return the next Chunk of due invitations, prepared; an empty one when none is due."""
        return self.prepare(self._due(self.size), site_url)

    def more(self):
        """Tell whether due invitations this run read are left to take."""
        return bool(self.queue)

    def _due(self, limit):
        taken, self.queue = self.queue[: max(limit, 0)], self.queue[max(limit, 0) :]
        # Each read again: one may have been cancelled or re-queued since the queue was read.
        return invitations.still_due(self.db, taken, clock.now()) if taken else []

    def prepare(self, batch, site_url, failures=None):
        """Check each person again, store their token, mark them `sending`; return the Chunk."""
        chunk, now = Chunk(failures=dict(failures or {})), clock.now()
        people = users.invitees(self.db, [i["userId"] for i in batch]) if batch else {}
        tokens, changes = {}, {}
        for invitation in batch:
            user = people.get(invitation["userId"])
            reason = why_not(user)
            if reason:
                chunk.skipped[invitation["_id"]] = {"reason": reason}
                continue
            email, record = user["emails"][0]["address"], _enroll_record(user)
            if not enrollment.reusable(record, email, invitation.get("tokenWhen"), now):
                record = tokens[user["_id"]] = enrollment.new_record(email, now)
            fresh = {"email": email, "name": user.get("name") or "", "tokenWhen": record["when"]}
            # Written with the chunk's `sending` mark: a second interruption fails it (TWICE).
            resent = invitation["_id"] in self.resent
            fresh["interrupted"] = 1 if resent else invitation.get("interrupted", 0)
            changed = {k: v for k, v in fresh.items() if invitation.get(k) != v}
            if changed:
                changes[invitation["_id"]] = changed
            invitation.update(fresh)
            chunk.ready.append((invitation, email, enrollment.link(site_url, record["token"])))
        # The token is stored before the mail goes, so that its link works when it arrives.
        users.set_enroll_tokens(self.db, tokens)
        invitations.mark_sending(self.db, chunk.ids(), changes, now)
        return chunk


def why_not(user):
    """Return why this person is not mailed after all (None: mail them)."""
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
