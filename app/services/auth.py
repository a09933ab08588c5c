"""Who is calling, and may they: header authentication and permission checks."""

from app.errors import Forbidden, Unauthorized
from app.models import permissions, users
from app.services.tokens import hash_token


def authenticate(db, user_id, token):
    """Return the user owning this id and token, or raise Unauthorized."""
    if not (isinstance(user_id, str) and user_id and isinstance(token, str) and token):
        raise Unauthorized()
    user = users.find_by_hashed_token(db, user_id, hash_token(token))
    if user is None:
        raise Unauthorized()
    return user


def granted(db, user, wanted):
    """Return which of the wanted permissions the user's roles hold (one query)."""
    return permissions.granted(db, {p for p in wanted if p}, user.get("roles") or [])


def require(granted_permissions, permission):
    """Raise Forbidden unless the permission is among those granted."""
    if permission not in granted_permissions:
        raise Forbidden()
