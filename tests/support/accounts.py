"""Users who log in with a password, as Rocket.Chat stores them (bcrypt of the SHA-256 hex)."""

import bcrypt

from app.services.passwords import digest
from tests.support import factories

PASSWORD = "correct horse battery staple"


def bcrypt_of(password, rounds=4):
    """Return Rocket.Chat's stored form of a password (a cheap cost, for tests)."""
    return bcrypt.hashpw(digest(password).encode("ascii"), bcrypt.gensalt(rounds)).decode("ascii")


def insert_user_with_password(db, *, password=PASSWORD, username="admin", **fields):
    """Insert a user holding one login token and a password; return (user, token)."""
    user, token = factories.insert_user(db, username=username, **fields)
    db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"services.password.bcrypt": bcrypt_of(password)}}
    )
    return db.users.find_one({"_id": user["_id"]}), token
