"""Passwords as Rocket.Chat stores them: bcrypt of the SHA-256 hex digest."""

import functools
import hashlib
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor

import bcrypt

DIGEST_ALGORITHM = "sha-256"
_DIGEST_LENGTH = 64  # hex characters of a SHA-256 digest
_OUTSIDE_BMP = re.compile("[\U00010000-\U0010ffff]")


def digest(password):
    """Return the SHA-256 hex digest of a password as Rocket.Chat and Meteor compute it."""
    return hashlib.sha256(code_unit_bytes(password)).hexdigest()


def code_unit_bytes(text):
    """Return the bytes Rocket.Chat hashes: each UTF-16 code unit UTF-8-encoded on its own.

    JavaScript strings are UTF-16, and Rocket.Chat's (Meteor's) SHA-256 encodes them code
    unit by code unit: a character outside the BMP is two surrogates of three bytes each,
    not UTF-8's four bytes, and a lone surrogate (JSON's "\\ud800") is three bytes too.
    """
    if text.isascii():
        return text.encode("ascii")
    return _OUTSIDE_BMP.sub(_surrogate_pair, text).encode("utf-8", "surrogatepass")


def _surrogate_pair(match):
    offset = ord(match.group()) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def staged_digest(staged_digest_field, data_password):
    """Return the hex digest a staged user's password becomes, or None for no password.

    The service stages the digest beside the record's `data`; older versions staged
    Meteor's `{digest, algorithm}` in `data.password`; Rocket.Chat's own import.addUsers
    stages the password itself there.
    """
    if isinstance(staged_digest_field, str) and staged_digest_field:
        return staged_digest_field
    if isinstance(data_password, str) and data_password:
        return digest(data_password)
    return _digest_of(data_password)


def check(password, bcrypt_hash):
    """Tell whether a password matches a stored `services.password.bcrypt` hash.

    `password` is the plaintext, or Meteor's client-side `{digest, algorithm: 'sha-256'}`.
    A password of another shape, or a missing or unreadable hash, never matches, and costs
    the time of a wrong password, so that timing does not tell who exists.
    """
    candidate = _digest_of(password)
    if not (candidate and isinstance(bcrypt_hash, str)):
        bcrypt.checkpw(b"-", _unmatchable_hash())
        return False
    try:
        return bcrypt.checkpw(candidate.encode("ascii"), bcrypt_hash.encode("ascii"))
    except ValueError:  # a stored hash bcrypt cannot read
        return False


def _digest_of(password):
    if isinstance(password, str):
        return digest(password)
    if isinstance(password, dict) and password.get("algorithm") == DIGEST_ALGORITHM:
        value = password.get("digest")
        if isinstance(value, str) and len(value) == _DIGEST_LENGTH and value.isascii():
            return value
    return None


@functools.cache
def _unmatchable_hash():
    return bcrypt.hashpw(secrets.token_hex(16).encode("ascii"), bcrypt.gensalt(10))


def bcrypt_of(hex_digest, rounds):
    """Return `services.password.bcrypt` for a SHA-256 hex digest (None: a password nobody
    knows), at this cost."""
    secret = hex_digest or secrets.token_hex(32)
    return bcrypt.hashpw(secret.encode("ascii"), bcrypt.gensalt(rounds)).decode("ascii")


class Hasher:
    """bcrypt on every CPU core (bcrypt releases the GIL), off the request path."""

    def __init__(self, rounds, workers=None):
        self.rounds = rounds
        self._pool = ThreadPoolExecutor(
            max_workers=workers or os.cpu_count() or 1, thread_name_prefix="bcrypt"
        )

    def hash_digests(self, digests):
        """Return bcrypt hashes of hex digests, in order, computed in parallel."""
        return list(self._pool.map(self._hash_one, digests))

    def unknowable(self):
        """Return one hash of a random secret: a password nobody knows, paid for once."""
        return self._hash_one(secrets.token_hex(32))

    def _hash_one(self, hex_digest):
        return bcrypt_of(hex_digest, self.rounds)

    def close(self):
        """Stop the worker threads."""
        self._pool.shutdown(wait=True)
