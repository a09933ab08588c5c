"""How a sync's entries name users: by import id, then e-mail, then username (the last two
ignoring case, as Rocket.Chat's indexes compare them), and which users no entry named."""


class Index:
    """The users a chunk's lookup found, by import id, e-mail and username (casefolded)."""

    def __init__(self, users):
        self.users = users
        self.by_import_id, self.by_email, self.by_username = {}, {}, {}
        for user in users:
            for import_id in user.get("importIds") or []:
                self.by_import_id.setdefault(import_id, user)
            for email in user.get("emails") or []:
                if isinstance(email, dict) and isinstance(email.get("address"), str):
                    self.by_email.setdefault(email["address"].casefold(), user)
            if isinstance(user.get("username"), str):
                self.by_username.setdefault(user["username"].casefold(), user)

    def named_by(self, who):
        """Return [(user, how it was named)]: each user once, import ids first."""
        found = {}
        parts = [
            *((self.by_import_id.get(i), f"importId {i}") for i in who.import_ids),
            *((self.by_email.get(a.casefold()), f"email {a}") for a in who.emails),
            (who.username and self.by_username.get(who.username.casefold()), "username"),
        ]
        for user, how in parts:
            if user and user["_id"] not in found:
                found[user["_id"]] = (user, how)
        return list(found.values())


def not_in(users, ids):
    """Yield the users whose `_id` is not among ids; both ascending (string ids only)."""
    ids = iter(ids)
    current = next(ids, None)
    for user in users:
        if not isinstance(user["_id"], str):
            continue
        while current is not None and current < user["_id"]:
            current = next(ids, None)
        if current != user["_id"]:
            yield user


def settled(who, named):
    """Tell whether the user an entry's import ids name holds its e-mails and username too
    (ignoring case): then no other user can (Rocket.Chat keeps them unique), and the entry
    needs no other lookup."""
    if len(named) != 1:
        return False
    user = named[0][0]
    emails = [e for e in user.get("emails") or [] if isinstance(e, dict)]
    held = {str(e.get("address")).casefold() for e in emails}
    username = user.get("username") or ""
    return all(a.casefold() in held for a in who.emails) and (
        not who.username or who.username.casefold() == username.casefold()
    )


def identity_keys(who):
    """Return what an Identity holds, each as one comparable key (e-mail, username casefolded)."""
    keys = {f"importId {i}" for i in who.import_ids}
    keys |= {f"email {a.casefold()}" for a in who.emails}
    return keys | ({f"username {who.username.casefold()}"} if who.username else set())
