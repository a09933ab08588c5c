"""Login tokens as Rocket.Chat stores them: never the token, only its hash."""

import base64
import hashlib


def hash_token(token):
    """Return base64(sha256(token)), the form kept in services.resume.loginTokens."""
    return base64.b64encode(hashlib.sha256(token.encode("utf-8")).digest()).decode("ascii")
