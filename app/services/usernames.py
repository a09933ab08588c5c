"""A valid, free Rocket.Chat username for a name that may not be one (an e-mail address, a
UPN, a name with spaces or accents), under Rocket.Chat's `UTF8_User_Names_Validation`.

As Rocket.Chat suggests usernames: the name itself when valid, else its slug (accents
dropped, other characters replaced by `.`), and when taken, `-1`, `-2`, … appended.
"""

import re
import unicodedata

from app.models import settings, users

SETTING = "UTF8_User_Names_Validation"
DEFAULT_PATTERN = "[0-9a-zA-Z-_.]+"
FALLBACK = "user"  # Rocket.Chat's Accounts_DefaultUsernamePrefixSuggestion
RESERVED = ("all", "here")  # mentions: Rocket.Chat never hands these out
_BATCH = 10  # candidates looked up per query


def pattern_of(db):
    """Return the username rule of the database: its setting, or Rocket.Chat's default when
    unset or not a pattern Python reads."""
    value = settings.value_of(db, SETTING) or DEFAULT_PATTERN
    try:
        return re.compile(f"(?:{value})")
    except (re.error, TypeError):
        return re.compile(f"(?:{DEFAULT_PATTERN})")


def base_of(wanted, pattern):
    """Return the username a name suggests: itself when valid, else the part before an
    `@`, else its slug; Rocket.Chat's fallback when nothing of it is valid."""
    wanted = str(wanted or "").strip()
    local = wanted.split("@", 1)[0]
    for candidate in (wanted, local, local.lower()):
        if candidate and pattern.fullmatch(candidate):
            return candidate
    plain = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    if not pattern.fullmatch("A"):  # a rule of lower-case names: lower the case, not drop it
        plain = plain.lower()
    dot = "." if pattern.fullmatch(".") else ""
    slug = "".join(c if pattern.fullmatch(c) else dot for c in plain)
    slug = re.sub(r"\.{2,}", ".", slug).strip(".") if dot else slug
    return slug if slug and pattern.fullmatch(slug) else FALLBACK


def free_username(db, wanted, pattern=None, avoid=()):
    """Return the first username of `base`, `base-1`, `base-2`, … that nobody holds
    (ignoring case) and that is not in `avoid`."""
    base = base_of(wanted, pattern or pattern_of(db))
    avoided = {name.casefold() for name in (*RESERVED, *avoid)}
    start = 0
    while True:
        names = [_numbered(base, n) for n in range(start, start + _BATCH)]
        held = users.find_holders(db, emails=[], usernames=names, import_ids=[])
        taken = avoided | {str(u.get("username", "")).casefold() for u in held}
        free = next((name for name in names if name.casefold() not in taken), None)
        if free:
            return free
        start += _BATCH


def _numbered(base, n):
    return f"{base}-{n}" if n else base
