"""A sync's plan: what import.run would do to make the users match the staged list, worked
out against the users collection without changing it, and stored entry by entry.

An entry is matched to a user by its import ids, then its e-mails, then its username (the
last two ignoring case); an entry that names two different users is refused with both
named, never guessed. A matched user is updated with what the list states (the fields of
contract/sync.SYNCED_FIELDS, and new import ids), deactivated when the list says `deleted`,
reactivated when it is listed and inactive. With `deactivateMissing`, the active users of
earlier imports (bots and apps never) that no entry names are deactivated. Deactivations
follow services/deactivation's rules: the last active admin, the caller and the last owner
of a room (unless relinquishing) are refused, with the reason.
"""

import itertools

from app.contract import sync
from app.contract.identities import identity
from app.models import staging, sync_plans, sync_users, users
from app.services import accounts, deactivation
from app.services.sync_matching import Index, identity_keys, not_in, settled
from app.services.user_updates import AdminGuard, Update, plan

CHUNK = 1000  # staged records read, and users looked up, at a time
_COMPARED = ("name", "emails", "roles", "type", "bio", "statusText", "customFields", "importIds")


class Planner:
    """Works out one operation's plan, chunk by chunk, and stores its entries."""

    def __init__(self, db, operation_id, options, caller_id):
        self.db, self.operation_id, self.options = db, operation_id, options
        self.caller_id = caller_id
        self.seq = 0
        self.counts = dict.fromkeys(sync.ACTIONS, 0)
        self.guard = AdminGuard(lambda: users.count_active_admins(db))
        self._new = set()  # identities (casefolded) of the users the plan creates

    def run(self):
        """Plan every staged record, then the users the list leaves out; return the counts."""
        sync_plans.delete_plan(self.db, self.operation_id)
        listed = 0
        records = staging.all_users(self.db, batch_size=CHUNK)
        while chunk := list(itertools.islice(records, CHUNK)):
            listed += len(chunk)
            self._store([self._entry_of(record, named) for record, named in self._named(chunk)])
        # An empty list never deactivates anyone (the classic mistake of an empty file).
        if self.options.get("deactivateMissing") and listed:
            self._plan_missing()
        return self.counts

    def _named(self, chunk):
        """Pair each record with the users its identity names: one lookup by import id for
        the chunk, then by e-mail and username only for the records it did not settle."""
        who = [identity(record["data"]) for record in chunk]
        by_import_id = Index(
            sync_users.find_named(
                self.db, import_ids=[i for w in who for i in w.import_ids], emails=(), usernames=()
            )
        )
        first = [by_import_id.named_by(w) for w in who]
        unsettled = [w for w, named in zip(who, first, strict=True) if not settled(w, named)]
        if not unsettled:
            return list(zip(chunk, first, strict=True))
        found = sync_users.find_named(
            self.db,
            emails=[address for w in unsettled for address in w.emails],
            usernames=[w.username for w in unsettled if w.username],
            import_ids=(),
        )
        index = Index([*by_import_id.users, *found])
        return [(record, index.named_by(w)) for record, w in zip(chunk, who, strict=True)]

    def _entry_of(self, record, named):
        data = record["data"]
        base = {"username": data.get("username"), "importIds": data.get("importIds") or []}
        base["record"] = record["_id"]
        if len(named) > 1:
            how = ", ".join(f"{_who(user)} ({by})" for user, by in named)
            return {**base, "action": sync.REFUSED, "reason": f"matches two users: {how}"}
        if not named:
            return self._create(base, record)
        user = named[0][0]
        return {**base, "userId": user["_id"], **self._change(user, data)}

    def _create(self, base, record):
        user_id = accounts.user_id_for(self.operation_id, record["_id"])
        keys = identity_keys(identity(record["data"]))
        if taken := keys & self._new:
            reason = f"listed twice: {sorted(taken)[0]} names another new user of the list"
            return {**base, "action": sync.REFUSED, "reason": reason}
        self._new |= keys
        return {**base, "action": sync.CREATE, "userId": user_id}

    def _change(self, user, data):
        """Return the action, changes and writes that bring one user in line with data."""
        wanted = data.get("username")
        held = user.get("username")
        if wanted and held and wanted.casefold() != held.casefold():
            return _refused(
                f"rename refused: the list says {wanted}, the user is {held} (a sync does not"
                " rename users: rename them in Rocket.Chat; docs/compatibility.md)"
            )
        update = plan(user, _compared(user, data))
        action = self._activity(user, data, update)
        if isinstance(action, dict):
            return action  # refused
        if reason := self.guard.refusal(user, update):
            return _refused(reason)
        action = action or (sync.UPDATE if update.fields else sync.UNCHANGED)
        return {"action": action, "changes": _changes(user, update), "apply": _writes(update)}

    def _activity(self, user, data, update):
        """Return deactivate/reactivate/None, or a refused entry; note it in the update."""
        active = user.get("active") is True
        if data.get("deleted") and active:
            if refused := self._deactivation_refused(user):
                return refused
            update.fields.append("active")
            return sync.DEACTIVATE
        if not data.get("deleted") and not active:
            update.fields.append("active")
            return sync.REACTIVATE
        return None

    def _deactivation_refused(self, user):
        """Return a refused entry when the user may not be deactivated, else None; the
        admins the plan deactivates are counted, so two of them never leave none."""
        leaving = Update(user["_id"])
        leaving.change("active", False)
        if reason := self.guard.refusal(user, leaving):
            return _refused(reason)
        try:
            deactivation.plan(
                self.db,
                user["_id"],
                caller_id=self.caller_id,
                relinquish=bool(self.options.get("relinquish")),
            )
        except deactivation.Refusal as refusal:
            return _refused(refusal.reason)
        return None

    def _plan_missing(self):
        """Deactivate the candidates no entry matched: both read in id order and merged, so
        memory stays flat however many users there are."""
        candidates = sync_users.imported_active(
            self.db, any_user=bool(self.options.get("includeNotImported")), batch_size=CHUNK
        )
        matched = sync_plans.matched_ids(self.db, self.operation_id, batch_size=CHUNK)
        missing = (self._missing(user) for user in not_in(candidates, matched))
        while entries := list(itertools.islice(missing, CHUNK)):
            self._store(entries)

    def _missing(self, user):
        base = {"username": user.get("username"), "userId": user["_id"], "importIds": []}
        if refused := self._deactivation_refused(user):
            return {**base, **refused}
        changes = [["active", True, False]]
        return {**base, "action": sync.DEACTIVATE, "missing": True, "changes": changes}

    def _store(self, entries):
        for entry in entries:
            entry["_id"] = sync_plans.entry_id(self.operation_id, self.seq)
            entry.update(operation=self.operation_id, seq=self.seq, error=None)
            entry["done"] = entry["action"] not in sync.WRITING_ACTIONS
            self.counts[entry["action"]] += 1
            self.seq += 1
        sync_plans.insert(self.db, entries)


def _compared(user, data):
    """Return what of data a sync compares: no username, password, avatar or offset; roles
    in another order are the same roles."""
    compared = {key: data[key] for key in _COMPARED if data.get(key) not in (None, "", [], {})}
    if set(compared.get("roles") or []) == set(user.get("roles") or []):
        compared.pop("roles", None)
    return compared


def _changes(user, update):
    """Return [[field, old, new]] of an update (never a password: none is compared)."""
    changes = []
    for name in update.fields:
        if name == "active":
            changes.append(["active", user.get("active") is True, user.get("active") is not True])
        elif name == "importIds":
            changes.append([name, user.get(name) or [], update.added.get(name)])
        elif name.startswith("customFields."):
            key = name.split(".", 1)[1]
            changes.append([name, (user.get("customFields") or {}).get(key), update.sets[name]])
        else:
            changes.append([name, user.get(name), update.sets.get(name)])
    return changes


def _writes(update):
    """Return an update's writes as a document can store them (field names hold dots)."""
    return {
        "set": [[key, value] for key, value in update.sets.items()],
        "add": [[key, values] for key, values in update.added.items()],
        "unset": list(update.unset),
    }


def _refused(reason):
    return {"action": sync.REFUSED, "reason": reason}


def _who(user):
    return user.get("username") or user["_id"]
