"""SCIM's Users over Rocket.Chat's users: find with a filter, read, create, replace and
delete, through the provisioning core. What Rocket.Chat's user document has no place for
(the SCIM `userName` as given, the `externalId`, a deletion) is kept in
`bulkimport_scim_users`; a user the door never wrote has its Rocket.Chat username as userName.

`fields` is a SCIM User reduced to what is mapped: `userName`, `externalId`, `name`,
`emails` (addresses, the primary first), `active`, `password`.
"""

from dataclasses import dataclass

from app.models import scim_users, user_directory
from app.services import clock, invitations, provisioning, usernames

INVITATION_JOB = "scim"  # the invitations job of the users SCIM creates


class NotFound(Exception):
    """No user of the directory has this id (or the identity provider deleted it)."""


@dataclass
class Found:
    """A user as the directory shows it: the user document and its SCIM record (or {})."""

    user: dict
    record: dict


def key_of(user_name):
    """Return the form a userName is compared in (SCIM: case-insensitive)."""
    return user_name.casefold()


def get(db, user_id):
    """Return the Found of a user, or raise NotFound."""
    user = user_directory.find_one(db, user_id)
    record = scim_users.of_users(db, [user_id]).get(user_id, {}) if user else {}
    if user is None or "deletedAt" in record:
        raise NotFound(user_id)
    return Found(user, record)


def find(db, tree, start_index, count):
    """Return (a page of Found, totalResults) for a filter tree (None: every person)."""
    resolver = _Resolver(db)
    condition = resolver.condition(tree) if tree is not None else None
    if condition is not None and _bounded(condition):
        if _empty(condition):  # nobody: no query (a lookup before a create, mostly)
            return [], 0
        users = user_directory.find_all(db, user_directory.query_of(condition))
        records = resolver.records_of([u["_id"] for u in users])
        shown = [Found(u, records.get(u["_id"], {})) for u in users]
        shown = [f for f in shown if "deletedAt" not in f.record]
        return shown[start_index - 1 : start_index - 1 + count], len(shown)
    hidden = scim_users.deleted_ids(db)
    query = user_directory.query_of(condition, hidden)
    users, total = user_directory.page(db, query, start_index - 1, count)
    records = scim_users.of_users(db, [u["_id"] for u in users]) if users else {}
    return [Found(u, records.get(u["_id"], {})) for u in users], total


def _bounded(condition):
    """Tell whether a condition matches no more users than the ids it names."""
    kind, value = condition
    if kind == "ids":
        return True
    if kind == "and":
        return any(_bounded(item) for item in value)
    return kind == "or" and all(_bounded(item) for item in value)


def _empty(condition):
    """Tell whether a condition can match nobody (it names no id where it needs one)."""
    kind, value = condition
    if kind == "ids":
        return not value
    if kind == "and":
        return any(_empty(item) for item in value)
    return kind == "or" and all(_empty(item) for item in value)


class _Resolver:
    """Turns a filter tree into a condition of ids and booleans, remembering the records
    read on the way, so that showing the users found costs no second read."""

    def __init__(self, db):
        self.db, self.records, self.unmapped = db, {}, set()

    def condition(self, tree):
        kind = tree[0]
        if kind in ("and", "or"):
            return (kind, [self.condition(item) for item in tree[1]])
        _, attribute, value = tree
        if attribute == "active":
            return ("active", value)
        return ("ids", self.ids(attribute, value))

    def ids(self, attribute, value):
        if attribute == "id":
            return [value]
        if attribute == "externalId":
            return self.remember(scim_users.of_external_id(self.db, value))
        if attribute == "emails":
            return user_directory.ids_with(self.db, "emails.address", value)
        if attribute == "userName":
            return self.user_name_ids(value)
        return []  # emails of a type nobody's addresses have

    def remember(self, records):
        self.records.update((r["_id"], r) for r in records)
        return [r["_id"] for r in records]

    def user_name_ids(self, value):
        """Users whose SCIM userName is value: recorded so, or, never written by the door,
        holding it as their Rocket.Chat username (ignoring case)."""
        ids = self.remember(scim_users.of_user_name(self.db, key_of(value)))
        if ids:  # a userName is one user's: the door refused it to anyone else
            return ids
        by_username = [
            i for i in user_directory.ids_with(self.db, "username", value) if i not in ids
        ]
        if by_username:
            recorded = scim_users.of_users(self.db, by_username)
            self.records.update(recorded)
            unmapped = [i for i in by_username if i not in recorded]
            self.unmapped.update(unmapped)
            ids += unmapped
        return ids

    def records_of(self, user_ids):
        missing = [i for i in user_ids if i not in self.records and i not in self.unmapped]
        if missing:
            self.records.update(scim_users.of_users(self.db, missing))
        return self.records


def create(db, fields, *, bcrypt_rounds, invite=False):
    """Create a user from a SCIM User; return (Found, created). A userName the identity
    provider deleted earlier comes back as that user, reactivated (created False)."""
    # A user is created active unless the provider says otherwise, whatever
    # Accounts_ManuallyApproveNewUsers says: the identity provider approved them.
    fields = {**fields, "active": fields.get("active") is not False}
    for record in scim_users.of_user_name(db, key_of(fields["userName"])):
        if "deletedAt" in record:
            return replace(db, record["_id"], fields, undelete=True), False
        raise provisioning.Taken("userName", fields["userName"])
    _refuse_user_name_held(db, fields["userName"])
    user_id = provisioning.new_user_id()
    if not scim_users.claim(db, user_id, _record_fields(fields), clock.now()):
        raise provisioning.Taken("userName", fields["userName"])
    try:
        user = _create_user(db, user_id, fields, bcrypt_rounds)
    except provisioning.ProvisioningError:
        scim_users.release(db, user_id)
        raise
    if invite:
        invitations.invite_person(db, INVITATION_JOB, user)
    return get(db, user_id), True


def _create_user(db, user_id, fields, bcrypt_rounds):
    data = _record_of(fields)
    data["username"] = usernames.free_username(db, fields["userName"])
    try:
        return provisioning.create(db, data, bcrypt_rounds=bcrypt_rounds, user_id=user_id)
    except provisioning.Taken as taken:
        if taken.field != "username":
            raise
    # Taken by a concurrent writer between the lookup and the insert: the next one free.
    data["username"] = usernames.free_username(db, fields["userName"], avoid=[data["username"]])
    return provisioning.create(db, data, bcrypt_rounds=bcrypt_rounds, user_id=user_id)


def replace(db, user_id, fields, *, undelete=False, relinquish=True):
    """Make a user what a SCIM User says (the Rocket.Chat username kept); return its Found."""
    user = user_directory.find_one(db, user_id)
    record = scim_users.of_users(db, [user_id]).get(user_id, {}) if user else {}
    if user is None or ("deletedAt" in record and not undelete):
        raise NotFound(user_id)
    if key_of(fields["userName"]) != key_of(record.get("userName") or user.get("username", "")):
        _refuse_user_name_held(db, fields["userName"], owner=user_id)
    provisioning.update(db, user_id, _record_of(fields), relinquish=relinquish)
    scim_users.save(db, user_id, _record_fields(fields), clock.now())
    return get(db, user_id)


def delete(db, user_id, *, relinquish=True):
    """Deactivate a user as Rocket.Chat does and hide it from the directory from now on."""
    found = get(db, user_id)
    if found.user.get("active"):
        provisioning.deactivate(db, user_id, relinquish=relinquish)
    scim_users.mark_deleted(db, user_id, clock.now())


def _refuse_user_name_held(db, user_name, owner=None):
    """Refuse a userName that another user holds: recorded, or as a Rocket.Chat username
    of a user the door never wrote."""
    held = [r["_id"] for r in scim_users.of_user_name(db, key_of(user_name)) if r["_id"] != owner]
    named = [i for i in user_directory.ids_with(db, "username", user_name) if i != owner]
    recorded = scim_users.of_users(db, named) if named else {}
    if held or any(i not in recorded for i in named):
        raise provisioning.Taken("userName", user_name)


def _record_of(fields):
    """Return the staged record of a SCIM User: what the provisioning core takes."""
    data = {
        "name": fields.get("name") or None,
        "emails": list(fields.get("emails") or []),
    }
    if fields.get("active") is not None:
        data["deleted"] = not fields["active"]
    if fields.get("password"):
        data["password"] = fields["password"]
    return data


def _record_fields(fields):
    return {
        "userName": fields["userName"],
        "userNameKey": key_of(fields["userName"]),
        "externalId": fields.get("externalId"),
        # Whether the identity provider marked an address primary (shown as it was sent).
        "primaryEmail": bool(fields.get("primaryEmail")),
        # The parts Rocket.Chat's one name was joined from, so that a PATCH of one keeps
        # the others (never shown: Rocket.Chat's name may have changed since).
        "nameParts": fields.get("nameParts") or None,
    }
