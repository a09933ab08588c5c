"""Personal access tokens, stored as Rocket.Chat stores them, for a user of the database.

The way in to a restored dump, whose login tokens are only hashes: the token is shown
once to whoever created it and only its hash is kept.
"""

import secrets

from app.models import users
from app.services import clock
from app.services.tokens import hash_token

DEFAULT_NAME = "bulk-import"
# serve --token-for's: a name a backup's own tokens (say, an earlier "bulk-import") do not use
SERVE_NAME = "bulk-import serve --token-for"
_LAST_PART = 6  # Rocket.Chat keeps the token's last 6 characters to tell tokens apart


class TokenRefused(ValueError):
    """No such user, or the user has a token of that name already."""


def new_secret():
    """Return a new token: 43 URL-safe characters, like Meteor's Random.secret()."""
    return secrets.token_urlsafe(32)


def create(db, who, name=None, token=None):
    """Create a personal access token (token, or a new one) for the user whose username
    (or _id) is who; return (user, token). Raise TokenRefused for an unknown user or a
    name in use."""
    user = users.find_by_username_or_id(db, who)
    if user is None:
        raise TokenRefused(f"no user with the username or _id {who!r}")
    name = name or DEFAULT_NAME
    token = token or new_secret()
    stored = {
        "hashedToken": hash_token(token),
        "type": "personalAccessToken",
        "createdAt": clock.now(),
        "lastTokenPart": token[-_LAST_PART:],
        "name": name,
        "bypassTwoFactor": False,
    }
    if not users.add_personal_token(db, user["_id"], stored, clock.now()):
        raise TokenRefused(
            f"user {user.get('username') or user['_id']} already has a token named {name!r}: "
            "choose another with --name"
        )
    return user, token
