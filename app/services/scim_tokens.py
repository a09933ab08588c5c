"""Bearer tokens of the SCIM door, one per identity provider: shown once when created, kept
only as a hash, and the only credential /scim/v2 accepts."""

import hashlib
import re
import secrets
from datetime import timedelta

from app.models import scim_tokens
from app.services import clock

PREFIX = "rcscim_"  # so that a token found in a log or a paste is recognised for what it is
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_USE_NOTED_EVERY = timedelta(minutes=1)  # not a write on every request


class TokenError(ValueError):
    """A name that is not valid, taken, or unknown."""


def hash_of(token):
    """Return the SHA-256 hex digest a token is kept as."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(db, name, bypass_rate_limit=False):
    """Create a token named after its identity provider; return the token (never kept)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise TokenError(f"{name!r} is not a token name: 1 to 64 letters, digits, '.', '_' or '-'")
    token = PREFIX + secrets.token_urlsafe(32)
    document = {
        "_id": name,
        "hash": hash_of(token),
        "createdAt": clock.now(),
        "bypassRateLimit": bool(bypass_rate_limit),
    }
    if not scim_tokens.insert(db, document):
        raise TokenError(f"a SCIM token named {name!r} exists: revoke it first, or choose another")
    return token


def listing(db):
    """Return every token's name, creation, last use and rate-limit bypass (never a hash)."""
    return scim_tokens.listing(db)


def revoke(db, name):
    """Revoke a token at once; raise TokenError when there is none of that name."""
    if not scim_tokens.delete(db, name):
        raise TokenError(f"no SCIM token named {name!r}")


def authenticate(db, header):
    """Return the token record an `Authorization: Bearer …` header holds, or None."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(PREFIX):
        return None
    found = scim_tokens.find_by_hash(db, hash_of(token))
    if found is None:
        return None
    now = clock.now()
    last = found.get("lastUsedAt")
    if last is None or now - last >= _USE_NOTED_EVERY:
        scim_tokens.note_use(db, found["_id"], now)
    return found
