"""Who already holds an email, a username or an import id: existing users and the batch."""


class Holders:
    """Identities already taken, compared as Rocket.Chat's case-insensitive indexes do."""

    def __init__(self, existing_users):
        self.user_ids = set()
        self._emails, self._usernames, self._import_ids = {}, {}, {}
        for user in existing_users:
            emails = [e.get("address") for e in user.get("emails") or [] if isinstance(e, dict)]
            self.take(
                user["_id"],
                [e for e in emails if isinstance(e, str)],
                user.get("username"),
                user.get("importIds") or [],
            )

    def take(self, user_id, emails, username, import_ids):
        """Record that user_id now holds these identities."""
        self.user_ids.add(user_id)
        for address in emails:
            self._emails.setdefault(address.casefold(), user_id)
        if isinstance(username, str) and username:
            self._usernames.setdefault(username.casefold(), user_id)
        for import_id in import_ids:
            if isinstance(import_id, str):
                self._import_ids.setdefault(import_id, user_id)

    def conflict(self, emails, username, import_ids):
        """Return why a user with these identities cannot be created, or None."""
        found = self.holder_of(emails, username, import_ids)
        if found is None:
            return None
        field, value, owner = found
        if field == "importId":
            return f"already imported: importId {value} belongs to user {owner}"
        return f"{field} already in use: {value}"

    def holder_of(self, emails, username, import_ids):
        """Return (field, value, holder's id) of the first of these identities already
        taken, or None: import ids first, then emails, then the username."""
        for import_id in import_ids:
            if import_id in self._import_ids:
                return "importId", import_id, self._import_ids[import_id]
        for address in emails:
            if address.casefold() in self._emails:
                return "email", address, self._emails[address.casefold()]
        if username and username.casefold() in self._usernames:
            return "username", username, self._usernames[username.casefold()]
        return None


def lookup_of(identities):
    """Return the find_holders arguments for (emails, username, import ids) triples."""
    identities = list(identities)
    return {
        "emails": [address for emails, _, _ in identities for address in emails],
        "usernames": [username for _, username, _ in identities if username],
        "import_ids": [import_id for _, _, ids in identities for import_id in ids],
    }
