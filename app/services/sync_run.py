"""A sync's run: the plan's entries carried out in plan order, in batches, under the import
run's lease, progress reports and stops (an ImportRun whose users step is the plan's).

Exactly once: each entry is marked done after its write, and every write is idempotent (a
created user's id derives from the operation and the record, an update sets values, a
(de)activation sets `active`), so a run taken over after a SIGKILL redoes the batch it cut
short to the same effect, and counts each entry once.
"""

import itertools

from app.contract import sync
from app.contract.identities import Holders, identity, lookup_of
from app.models import staging, sync_plans, users
from app.services import clock, deactivation
from app.services.runner import ImportRun


class SyncRun(ImportRun):
    """Run one claimed sync operation to `importer_done`, resuming wherever it stopped."""

    def __init__(self, worker, operation):
        super().__init__(worker, operation)
        self.options = operation.get(sync.OPERATION_FIELD) or {}
        self.done = {}

    @staticmethod
    def handles(operation):
        """Tell whether an operation is a sync (import.new in sync mode)."""
        return sync.OPERATION_FIELD in operation

    def _start_counts(self, first_start):
        # What is done comes from the entries marked done: exact after a crash too.
        counts = (self.options.get("plan") or {}).get("counts") or {}
        self.selected = sum(counts.get(action, 0) for action in sync.WRITING_ACTIONS)
        self.done = sync_plans.count_done(self.db, self.id)
        return self._counts()

    def _import_users(self):
        size = self.settings.batch_size
        entries = sync_plans.pending(self.db, self.id, size)
        while batch := list(itertools.islice(entries, size)):
            outcomes = self._carry_out(batch)
            sync_plans.mark_done(self.db, outcomes)
            for entry in batch:
                key = "failed" if outcomes[entry["_id"]] else entry["action"]
                self.done[key] = self.done.get(key, 0) + 1
            self._report(self._counts())
            if self.worker.on_batch:
                self.worker.on_batch(self)
            self.lease.stop_if_worker_stopping()

    def _carry_out(self, batch):
        """Write one batch of entries; return {entry id: None, or why it failed}."""
        outcomes = self._create([e for e in batch if e["action"] == sync.CREATE])
        for entry in batch:
            if entry["action"] != sync.CREATE:
                outcomes[entry["_id"]] = self._change(entry)
        return outcomes

    def _create(self, entries):
        if not entries:
            return {}
        by_record = {entry["record"]: entry for entry in entries}
        records = staging.users_of(self.db, list(by_record))
        staged = [(record, identity(record["data"])) for record in records]
        holders = Holders(users.find_holders(self.db, **lookup_of(who for _, who in staged)))
        self.writer.begin_chunk(records)
        outcome = self.writer.write(staged, holders)
        outcomes = {by_record[r]["_id"]: why for r, why in outcome.reasons.items()}
        for record_id in outcome.created:
            outcomes[by_record[record_id]["_id"]] = None
        # A record no longer staged was created before a crash (its user exists) or is gone.
        gone = [e for r, e in by_record.items() if e["_id"] not in outcomes]
        existing = users.ids_existing(self.db, [e["userId"] for e in gone])
        for entry in gone:
            outcomes[entry["_id"]] = None if entry["userId"] in existing else "not staged"
        return outcomes

    def _change(self, entry):
        """Apply one entry's updates, then its (de)activation; return why it failed, or None."""
        writes = entry.get("apply") or {}
        document = _document(writes)
        if document and (key := users.apply_update(self.db, entry["userId"], document)):
            return f"{key} already in use"
        if entry["action"] == sync.DEACTIVATE:
            return self._deactivate(entry["userId"])
        if entry["action"] == sync.REACTIVATE:
            deactivation.reactivate(self.db, entry["userId"])
        return None

    def _deactivate(self, user_id):
        # Planned again now: the rooms or the admins may have changed since the plan.
        try:
            planned = deactivation.plan(
                self.db,
                user_id,
                caller_id=self.operation.get("user"),
                relinquish=bool(self.options.get("relinquish")),
            )
        except deactivation.Refusal as refusal:
            return refusal.reason
        deactivation.apply(self.db, planned)
        return None

    def _counts(self):
        done = self.done
        self.created, self.updated = done.get(sync.CREATE, 0), done.get(sync.UPDATE, 0)
        self.failed = done.get("failed", 0)
        carried_out = sum(done.get(action, 0) for action in sync.WRITING_ACTIONS)
        words = {word: done.get(action, 0) for action, word in sync.DONE_WORDS.items()}
        planned = (self.options.get("plan") or {}).get("counts") or {}
        words["unchanged"] = planned.get(sync.UNCHANGED, 0)
        words["failed"] = self.failed + planned.get(sync.REFUSED, 0)
        return {
            "count.completed": carried_out,
            "count.error": words["failed"],
            "userCounts": {
                "selected": self.selected,
                "created": self.created,
                "updated": self.updated,
                "failed": self.failed,
            },
            sync.PROGRESS_FIELD: words,
        }


def _document(writes):
    """Return the MongoDB update of an entry's stored writes, None when there are none."""
    if not (writes.get("set") or writes.get("add") or writes.get("unset")):
        return None
    document = {"$set": {**dict(writes.get("set") or []), "_updatedAt": clock.now()}}
    if writes.get("add"):
        document["$addToSet"] = {key: {"$each": values} for key, values in writes["add"]}
    if writes.get("unset"):
        document["$unset"] = dict.fromkeys(writes["unset"], "")
    return document
