"""Write one batch of staged users: create the new ones and, for Rocket.Chat's file
importers, update the users that already exist, or say why a record could not be either."""

from dataclasses import dataclass, field

from app.models import staging, user_updates, users
from app.services import accounts, clock, passwords
from app.services.user_updates import AdminGuard, is_active_admin, plan


@dataclass
class Outcome:
    """What one batch did: records that became users, records that updated one, and why
    each other record failed."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)  # {record id: why it was not imported}


class UserWriter:
    """Creates and updates the users of one run's batches, under the run's AccountRules."""

    def __init__(self, run):
        self.db, self.operation_id, self.rules = run.db, run.id, run.rules
        self.hasher = run.worker.hasher
        self.landing = run.landing  # the rooms the users it creates join
        self.guard = AdminGuard(lambda: users.count_active_admins(self.db))
        self._unknown_password = None
        self._extensions = set()  # voipExtensions held, or taken by this run
        self._updated = {}  # {user id: the user as this run left it}
        self._fresh = {}  # {user id: document} of the users the batch inserted

    def begin_chunk(self, records):
        """Look up, once for a chunk of records, the VoIP extensions already held."""
        wanted = [r["data"]["voipExtension"] for r in records if r["data"].get("voipExtension")]
        self._extensions = users.extensions_held(self.db, wanted)
        self.landing.begin_chunk(records)

    def write(self, staged, holders):
        """Import one batch of (record, Identity); return its Outcome. Staging follows."""
        outcome, planned, existing = Outcome(), [], []
        for record, who in staged:
            user_id = accounts.user_id_for(self.operation_id, record["_id"])
            match = holders.existing_user_of(who) if self.rules.file_importer else None
            if user_id in holders.user_ids:  # created by this run before it was interrupted
                outcome.created.append(record["_id"])
            elif match:
                existing.append((record, who, match))
            elif reason := self._refusal(record["data"], who, holders):
                outcome.reasons[record["_id"]] = reason
            else:
                holders.take(user_id, who)
                planned.append((record, user_id, who))
        self._create(planned, outcome)
        self._update_all(existing, holders, outcome)
        # Before the records leave staging: a batch cut short is landed again, exactly once.
        self._land(staged, outcome.created)
        staging.delete_ids(self.db, outcome.created + outcome.updated)
        staging.mark_failed(self.db, outcome.reasons)
        return outcome

    def _refusal(self, data, who, holders):
        return (
            holders.conflict(who)
            or self.rules.refusal(data)
            or self.landing.refusal(data)
            or self._extension_taken(data)
        )

    def _land(self, staged, created_ids):
        created = set(created_ids)
        self.landing.land(
            [
                (accounts.user_id_for(self.operation_id, record["_id"]), record["data"])
                for record, _ in staged
                if record["_id"] in created
            ],
            fresh=self._fresh,
        )

    def _extension_taken(self, data):
        # Rocket.Chat's freeSwitchExtension index is unique; the embedded database has no
        # unique index, so the run keeps the extensions unique itself.
        extension = data.get("voipExtension")
        if not extension:
            return None
        if extension in self._extensions:
            return f"voipExtension already in use: {extension}"
        self._extensions.add(extension)
        return None

    def _create(self, planned, outcome):
        now = clock.now()
        hashes = self._hashes([_staged_digest(record) for record, _, _ in planned])
        documents = [
            self.landing.mark(
                accounts.new_user(user_id, record["data"], who, bcrypt_hash, now, self.rules),
                record["data"],
            )
            for (record, user_id, who), bcrypt_hash in zip(planned, hashes, strict=True)
        ]
        refused = users.insert_new(self.db, documents)
        if refused:
            refused = self._explain(refused, documents)
        self._fresh = {
            document["_id"]: document
            for index, document in enumerate(documents)
            if index not in refused  # one refused as ours existed before: not fresh
        }
        for index, (record, _, _) in enumerate(planned):
            if refused.get(index):
                outcome.reasons[record["_id"]] = refused[index]
            else:
                outcome.created.append(record["_id"])
                if is_active_admin(documents[index]):
                    self.guard.created_admin()

    def _explain(self, refused, documents):
        # The database refused what the lookup let through: a concurrent writer, our own
        # earlier insert (same _id) that the run did not see finish, or a document it
        # cannot store. Only the last is not about identities.
        ours = users.ids_existing(self.db, [documents[i]["_id"] for i in refused])
        reasons = {}
        for index, refusal in refused.items():
            document, key = documents[index], refusal.get("key")
            if "message" in refusal:
                reasons[index] = f"could not be stored: {refusal['message']}"
            elif key == "_id" or document["_id"] in ours:
                # Ours, whichever unique index the server named first (a retried batch).
                reasons[index] = None
            else:
                reasons[index] = _taken(key, document)
        return reasons

    def _hashes(self, digests):
        computed = iter(self.hasher.hash_digests([d for d in digests if d]))
        return [next(computed) if d else self._password_nobody_knows() for d in digests]

    def _password_nobody_knows(self):
        if self._unknown_password is None:
            self._unknown_password = self.hasher.unknowable()
        return self._unknown_password

    def _update_all(self, existing, holders, outcome):
        wanted = {match for _, _, match in existing if match not in self._updated}
        found = users.find_for_update(self.db, wanted) if wanted else {}
        for record, who, match in existing:
            user = self._updated.get(match) or found.get(match)
            reason = self._update(record, who, user, holders) if user else "the user vanished"
            if reason:
                outcome.reasons[record["_id"]] = reason
            else:
                outcome.updated.append(record["_id"])

    def _update(self, record, who, user, holders):
        """Update one user from one record; return why it could not be, or None."""
        update = plan(user, record["data"])
        kept = who._replace(username=None) if user.get("username") else who
        reason = holders.conflict(kept, owner=user["_id"]) or self.guard.refusal(user, update)
        if reason:
            return reason
        self._record(record, user, update)
        document = update.document(clock.now())
        refused = document and users.apply_update(self.db, user["_id"], document)
        if refused:
            user_updates.forget(self.db, record["_id"])
            return _taken(refused, {**user, **update.sets})
        holders.take(user["_id"], kept)
        self._updated[user["_id"]] = update.applied_to(user)
        return None

    def _record(self, record, user, update):
        entry = {
            "operation": self.operation_id,
            "user": user["_id"],
            "username": user.get("username"),
            "importId": next(iter(record["data"].get("importIds") or []), None),
            "fields": update.fields,
            "notes": update.notes,
            "at": clock.now(),
        }
        user_updates.record(self.db, record["_id"], entry)


def _taken(key, document):
    if key == "username":
        return f"username already in use: {document.get('username')}"
    if key == "freeSwitchExtension":
        return f"voipExtension already in use: {document.get('freeSwitchExtension')}"
    addresses = ", ".join(e["address"] for e in document.get("emails") or [])
    return f"email already in use: {addresses}"


def _staged_digest(record):
    data_password = record["data"].get("password")
    return passwords.staged_digest(record.get(staging.PASSWORD_DIGEST), data_password)
