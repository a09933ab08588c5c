"""What Rocket.Chat's file importers change on a user that already exists, planned before
anything is written: name, e-mails, import ids, roles, type, bio, status text, custom fields,
deactivation and reactivation; and the last active admin, whom nothing here may demote.

Rocket.Chat also renames the user (and rewrites their messages and rooms) when the file's
username differs; the service keeps the username and says so (see docs/compatibility.md).
"""

from dataclasses import dataclass, field

LAST_ADMIN = "error-action-not-allowed"
_TEXTS = (("statusText", "statusText"), ("bio", "bio"), ("avatarUrl", "_pendingAvatarUrl"))


@dataclass
class Update:
    """The changes to one user: `$set`, `$addToSet` and `$unset`, the names of the fields
    changed (never a value), and notes on what was deliberately not changed."""

    user_id: str
    sets: dict = field(default_factory=dict)
    added: dict = field(default_factory=dict)
    unset: dict = field(default_factory=dict)
    fields: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def change(self, name, value):
        """Set a field, and name it among the fields changed."""
        self.sets[name] = value
        self.fields.append(name)

    def document(self, now):
        """Return the MongoDB update, `_updatedAt` included; None when nothing changes."""
        if not self.fields:
            return None
        document = {"$set": {**self.sets, "_updatedAt": now}}
        if self.added:
            document["$addToSet"] = {key: {"$each": v} for key, v in self.added.items()}
        if self.unset:
            document["$unset"] = self.unset
        return document

    def applied_to(self, user):
        """Return the user as it is once updated (for the next records of the same run)."""
        after = {**user, **{k: v for k, v in self.sets.items() if "." not in k}}
        for key, values in self.added.items():
            after[key] = [*(user.get(key) or []), *values]
        return after


def plan(user, data):
    """Return the Update that turns an existing user into the staged `data`, as Rocket.Chat's
    file importers do."""
    update = Update(user["_id"])
    _roles_and_type(update, user, data)
    for source, target in _TEXTS:
        if data.get(source) and data[source] != user.get(target):
            update.change(target, data[source])
    _custom_fields(update, user, data.get("customFields") or {})
    if data.get("utcOffset") and data["utcOffset"] != user.get("utcOffset"):
        update.change("utcOffset", data["utcOffset"])
    _emails(update, user, data.get("emails") or [])
    _import_ids(update, user, data.get("importIds") or [])
    _identity(update, user, data)
    _activity(update, user, data)
    return update


def _roles_and_type(update, user, data):
    # Rocket.Chat sets the file's roles (an empty list would strip every role: not here),
    # and gives `user` to a user without roles, `user` as the type of one without a type.
    roles = data.get("roles") or ([] if user.get("roles") else ["user"])
    if roles and roles != user.get("roles"):
        update.change("roles", list(roles))
    kind = data.get("type") or ("" if user.get("type") else "user")
    if kind and kind != user.get("type"):
        update.change("type", kind)


def _custom_fields(update, user, custom):
    held = user.get("customFields") or {}
    for name, value in custom.items():
        if held.get(name) != value:
            update.change(f"customFields.{name}", value)


def _emails(update, user, addresses):
    # The file's addresses replace the user's; one already known keeps its verification.
    verified = {e.get("address"): e.get("verified") for e in user.get("emails") or []}
    emails = [{"address": a, "verified": bool(verified.get(a))} for a in addresses if a]
    if emails and emails != user.get("emails"):
        update.change("emails", emails)


def _import_ids(update, user, import_ids):
    new = [i for i in dict.fromkeys(import_ids) if i and i not in (user.get("importIds") or [])]
    if new:
        update.added["importIds"] = new
        update.fields.append("importIds")


def _identity(update, user, data):
    name = str(data.get("name") or "").strip()
    if name and name != user.get("name"):
        update.change("name", name)
    username = data.get("username")
    if username and not user.get("username"):
        update.change("username", username)
    elif username and username != user.get("username"):
        update.notes.append(
            f"username kept: {user.get('username')} (the file says {username}; renaming also"
            " rewrites the user's messages and rooms: rename the user in Rocket.Chat)"
        )


def _activity(update, user, data):
    # Deleted users are inactive users in Rocket.Chat; a deactivated user's logins end.
    if data.get("deleted") and user.get("active"):
        update.change("active", False)
        update.sets["services.resume.loginTokens"] = []
        update.notes.append("deactivated: their login tokens were removed")
    elif data.get("deleted") is False and user.get("active") is False:
        update.change("active", True)
        update.unset["reason"] = ""
        update.notes.append("reactivated")


def is_active_admin(user):
    """Tell whether a user is an active holder of the admin role."""
    return bool(user.get("active")) and "admin" in (user.get("roles") or [])


class AdminGuard:
    """Keeps one active admin at least, as Rocket.Chat refuses to deactivate its last one;
    counts the active admins once, then follows what the run changes."""

    def __init__(self, count_active_admins):
        self._count_active_admins = count_active_admins
        self._active = None

    def refusal(self, user, update):
        """Return why this update may not be made (it demotes the last active admin), or
        None and count it."""
        before, after = is_active_admin(user), is_active_admin(update.applied_to(user))
        if before and not after:
            if self._count() <= 1:
                return (
                    f"{LAST_ADMIN}: {user.get('username') or user['_id']} is the last active"
                    " admin and would lose the admin role or be deactivated: not updated"
                )
            self._active -= 1
        elif after and not before:
            self.created_admin()
        return None

    def created_admin(self):
        """Count one more active admin (created, or promoted, by the run)."""
        if self._active is not None:
            self._active += 1

    def _count(self):
        if self._active is None:
            self._active = self._count_active_admins()
        return self._active
