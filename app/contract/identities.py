"""What tells users apart, and who already holds an email, a username or an import id.

The runner and the command-line importer's --dry-run --against apply these same rules.
"""

from collections.abc import Sequence
from typing import NamedTuple


class Identity(NamedTuple):
    """What tells a user apart: its username, emails and import ids (each unique)."""

    username: str | None
    emails: Sequence[str]
    import_ids: Sequence[str]


def identity(data):
    """Return the Identity of staged data, empty values dropped."""
    # One address per user whatever its case (the first spelling is kept), as the
    # case-insensitive index would see it.
    return Identity(
        username=data.get("username") or None,
        emails=_unique(data.get("emails"), str.casefold),
        import_ids=_unique(data.get("importIds"), str),
    )


def _unique(values, key):
    first = {}
    for value in values or []:
        if value:
            first.setdefault(key(value), value)
    return list(first.values())


class Holders:
    """Identities already taken, compared as Rocket.Chat's case-insensitive indexes do."""

    def __init__(self, existing_users):
        self.user_ids = set()
        self._emails, self._usernames, self._import_ids = {}, {}, {}
        for user in existing_users:
            emails = [e.get("address") for e in user.get("emails") or [] if isinstance(e, dict)]
            held = Identity(
                username=user.get("username"),
                emails=[e for e in emails if isinstance(e, str)],
                import_ids=user.get("importIds") or [],
            )
            self.take(user["_id"], held)

    def take(self, user_id, identity):
        """Record that user_id now holds this Identity."""
        self.user_ids.add(user_id)
        for address in identity.emails:
            self._emails.setdefault(address.casefold(), user_id)
        if isinstance(identity.username, str) and identity.username:
            self._usernames.setdefault(identity.username.casefold(), user_id)
        for import_id in identity.import_ids:
            if isinstance(import_id, str):
                self._import_ids.setdefault(import_id, user_id)

    def conflict(self, identity, owner=None):
        """Return why a user with this Identity cannot be created (or given to `owner`,
        whose own holdings are no conflict), or None."""
        found = self.holder_of(identity, owner)
        if found is None:
            return None
        field, value, holder = found
        if field == "importId":
            return f"already imported: importId {value} belongs to user {holder}"
        return f"{field} already in use: {value}"

    def holder_of(self, identity, owner=None):
        """Return (field, value, holder's id) of the first part of this Identity already
        taken by someone other than `owner`, or None: import ids, then emails, then the
        username."""
        username = identity.username
        parts = [
            *(("importId", i, self._import_ids.get(i)) for i in identity.import_ids),
            *(("email", a, self._emails.get(a.casefold())) for a in identity.emails),
            ("username", username, username and self._usernames.get(username.casefold())),
        ]
        return next(((f, v, h) for f, v, h in parts if h and h != owner), None)

    def existing_user_of(self, identity):
        """Return the id of the user Rocket.Chat's file importers update for this Identity:
        the holder of its first e-mail, else of its username (ignoring case), or None."""
        if identity.emails and (holder := self._emails.get(identity.emails[0].casefold())):
            return holder
        username = identity.username
        return self._usernames.get(username.casefold()) if username else None


def lookup_of(identities):
    """Return the find_holders arguments for Identities."""
    identities = list(identities)
    return {
        "emails": [address for i in identities for address in i.emails],
        "usernames": [i.username for i in identities if i.username],
        "import_ids": [import_id for i in identities for import_id in i.import_ids],
    }
