"""Passwords as Rocket.Chat stores them: bcrypt of the SHA-256 hex digest."""

import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import bcrypt

DIGEST_ALGORITHM = "sha-256"


def digest(password):
    """Return the SHA-256 hex digest of a password: all the staging area ever keeps."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def staged_form(password):
    """Return what the staging area stores for a password (Meteor's client-side shape)."""
    return {"digest": digest(password), "algorithm": DIGEST_ALGORITHM}


def check(password, bcrypt_hash):
    """Tell whether a plaintext password matches a stored `services.password.bcrypt`."""
    return bcrypt.checkpw(digest(password).encode("ascii"), bcrypt_hash.encode("ascii"))


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
        salt = bcrypt.gensalt(self.rounds)
        return bcrypt.hashpw(hex_digest.encode("ascii"), salt).decode("ascii")

    def close(self):
        """Stop the worker threads."""
        self._pool.shutdown(wait=True)
