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

    def conflict(self, identity):
        """Return why a user with this Identity cannot be created, or None."""
        found = self.holder_of(identity)
        if found is None:
            return None
        field, value, owner = found
        if field == "importId":
            return f"already imported: importId {value} belongs to user {owner}"
        return f"{field} already in use: {value}"

    def holder_of(self, identity):
        """Return (field, value, holder's id) of the first part of this Identity already
        taken, or None: import ids first, then emails, then the username."""
        for import_id in identity.import_ids:
            if import_id in self._import_ids:
                return "importId", import_id, self._import_ids[import_id]
        for address in identity.emails:
            if address.casefold() in self._emails:
                return "email", address, self._emails[address.casefold()]
        username = identity.username
        if username and username.casefold() in self._usernames:
            return "username", username, self._usernames[username.casefold()]
        return None


def lookup_of(identities):
    """Return the find_holders arguments for Identities."""
    identities = list(identities)
    return {
        "emails": [address for i in identities for address in i.emails],
        "usernames": [i.username for i in identities if i.username],
        "import_ids": [import_id for i in identities for import_id in i.import_ids],
    }
