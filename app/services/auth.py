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


def has_permission(db, user, permission):
    """Tell whether one of the user's roles holds the permission."""
    return permissions.is_granted(db, permission, user.get("roles") or [])


def require_permission(db, user, permission):
    """Raise Forbidden unless the user holds the permission."""
    if not has_permission(db, user, permission):
        raise Forbidden()
