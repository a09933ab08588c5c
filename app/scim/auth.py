"""The SCIM door's one credential: `Authorization: Bearer <token of scim-token create>`."""

from flask import g, request

from app.extensions import ratelimit
from app.extensions.db import get_db
from app.scim.errors import ScimError
from app.services import scim_tokens

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="SCIM"'}


def authenticate():
    """Answer 401 unless the request carries a SCIM token; note the token's name on g."""
    g.no_store = True  # what a token's answers hold, no cache keeps
    token = scim_tokens.authenticate(get_db(), request.headers.get("Authorization"))
    if token is None:
        raise ScimError(401, "a SCIM bearer token is required", headers=CHALLENGE)
    g.scim_token = token["_id"]
    # A token made with --bypass-rate-limit is treated as a caller holding the permission.
    g.granted = {ratelimit.BYPASS} if token.get("bypassRateLimit") else set()
