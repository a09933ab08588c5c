"""One person of a directory at a time: create a Rocket.Chat user, apply one user's changes,
deactivate or reactivate them. The core a directory's doors share (SCIM now; the sync may
use it too), free of HTTP and of any protocol's shapes.

`data` is a staged record as the importer takes it (`username`, `name`, `emails`, `roles`,
`password`, `deleted`, …); users are created as the importer's file importers create them
(accounts.AccountRules: default roles, e-mail 2FA, allowed domains), updated as they update
them (user_updates.plan, the last admin kept), and (de)activated as Rocket.Chat's
setUserActiveStatus does (services/deactivation).
"""

import secrets

from app.contract.identities import Holders, identity, lookup_of
from app.models import users
from app.services import accounts, clock, deactivation, passwords
from app.services.user_updates import AdminGuard, plan

_CLEARABLE = ("name", "emails")


class ProvisioningError(Exception):
    """Why a person could not be provisioned; `reason` is shown as is."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Taken(ProvisioningError):
    """A username or e-mail address belongs to another user."""

    def __init__(self, field, value):
        super().__init__(f"{field} already in use: {value}")
        self.field = field


class Refused(ProvisioningError):
    """Rocket.Chat's rules refuse the change (a domain, the last admin, a bot, …)."""


class NoSuchUser(ProvisioningError):
    """No user has this id."""

    def __init__(self, user_id):
        super().__init__(f"no such user: {user_id}")


def new_user_id():
    """Return a random 17-character Meteor id, as Rocket.Chat gives a new user."""
    return "".join(secrets.choice(accounts.METEOR_ALPHABET) for _ in range(17))


def create(db, data, *, bcrypt_rounds, rules=None, user_id=None):
    """Create the user a record describes (with this id, else a new one) and return its
    document; raise Taken or Refused."""
    rules = rules or account_rules(db)
    who = identity(data)
    _refuse_taken(db, who)
    if reason := rules.refusal(data):
        raise Refused(reason)
    digest = passwords.digest(data["password"]) if data.get("password") else None
    bcrypt_hash = passwords.bcrypt_of(digest, bcrypt_rounds)
    document = accounts.new_user(
        user_id or new_user_id(), data, who, bcrypt_hash, clock.now(), rules
    )
    if not document["importIds"]:
        del document["importIds"]  # not imported: an import's invitations and sync skip them
    refused = users.insert_new(db, [document])
    if refused:  # a concurrent writer took an identity between the lookup and the insert
        key = refused[0].get("key")
        if key is None:
            raise Refused(f"could not be stored: {refused[0].get('message')}")
        raise Taken("username" if key == "username" else "email", _value_of(key, document))
    return document


def account_rules(db):
    """Return the rules users are created under: Rocket.Chat's accounts code, as for files."""
    return accounts.AccountRules.read(db, file_importer=True)


def update(db, user_id, data, *, relinquish=True):
    """Apply what a record states to one user (the username kept, as the importer keeps it),
    and its `deleted` as a deactivation or reactivation; return the names of the fields
    changed. A `name` stated None or `emails` stated [] are removed. Nothing changes when
    any part is refused."""
    user = users.find_for_update(db, [user_id]).get(user_id)
    if user is None:
        raise NoSuchUser(user_id)
    fields = {k: v for k, v in data.items() if k != "deleted" and v not in (None, [])}
    update_ = plan(user, fields)
    for key in _CLEARABLE:  # stated empty: removed (a file's empty cell never clears)
        if key in data and data[key] in (None, []) and user.get(key):
            update_.unset[key] = ""
            update_.fields.append(key)
    _refuse_taken(db, identity({"emails": fields.get("emails")}), owner=user_id)
    guard = AdminGuard(lambda: users.count_active_admins(db))
    if reason := guard.refusal(user, update_):
        raise Refused(reason)
    stopping = _deactivation(db, user, data.get("deleted"), relinquish)
    document = update_.document(clock.now())
    if document and (key := users.apply_update(db, user_id, document)):
        raise Taken("email", ", ".join(fields.get("emails") or []) or key)
    changed = list(update_.fields)
    if stopping is not None:
        deactivation.apply(db, stopping)
        changed.append("active")
    elif data.get("deleted") is False and user.get("active") is False:
        deactivation.reactivate(db, user_id)
        changed.append("active")
    return changed


def _deactivation(db, user, deleted, relinquish):
    """Plan the deactivation a record asks for (None when it asks none); raise Refused."""
    if not deleted or user.get("active") is False:
        return None
    try:
        return deactivation.plan(db, user["_id"], relinquish=relinquish)
    except deactivation.Refusal as refusal:
        raise Refused(refusal.reason) from None


def deactivate(db, user_id, *, relinquish=True):
    """Deactivate a user as Rocket.Chat does (login tokens removed, rooms handed over when
    relinquishing); raise NoSuchUser or Refused."""
    if users.find_for_activity(db, user_id) is None:
        raise NoSuchUser(user_id)
    try:
        deactivation.deactivate(db, user_id, relinquish=relinquish)
    except deactivation.Refusal as refusal:
        raise Refused(refusal.reason) from None


def reactivate(db, user_id):
    """Reactivate a user; raise NoSuchUser."""
    if not deactivation.reactivate(db, user_id):
        raise NoSuchUser(user_id)


def _refuse_taken(db, who, owner=None):
    holders = Holders(users.find_holders(db, **lookup_of([who])))
    found = holders.holder_of(who, owner)
    if found:
        field, value, _ = found
        raise Taken(field, value)


def _value_of(key, document):
    if key == "username":
        return document.get("username")
    return ", ".join(e["address"] for e in document.get("emails") or [])
