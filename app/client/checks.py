"""Check a user offline with the very rules of import.addUsers (shared code, not a copy)."""

from dataclasses import dataclass

from marshmallow import ValidationError

from app.contract.identities import Identity
from app.contract.rules import MISSING_DATA, missing_required_data
from app.schemas.imports import UserIn

_SCHEMA = UserIn()


@dataclass
class Checked:
    """A record after the checks: `user` as import.addUsers would load it, or `problem`."""

    line: int
    raw: object
    user: dict | None = None
    problem: str | None = None

    def identity(self):
        """Return what tells this user apart in the server's staging area."""
        return identity_of(self.user)


def check(record):
    """Return the Checked form of a Record: the same validator and rules as the server."""
    if record.problem:
        return Checked(record.line, record.user, problem=record.problem)
    try:
        user = _SCHEMA.load(record.user)
    except ValidationError as error:
        return Checked(record.line, record.user, problem=_describe(error.messages))
    missing = missing_required_data(user)
    if missing:
        detail = " and ".join(f"no {name}" for name in missing)
        return Checked(record.line, record.user, problem=f"{MISSING_DATA} ({detail})")
    return Checked(record.line, record.user, user=user)


def identity_of(user):
    """Return the Identity of a user as staged (hashable): its key in the report."""
    return Identity(
        username=user.get("username") or None,
        emails=tuple(user.get("emails") or ()),
        import_ids=tuple(user.get("importIds") or ()),
    )


def _describe(messages):
    # AJV's first error, as the server would answer it, prefixed with where it is.
    message = _SCHEMA.first_error(messages)
    path = _path_to(messages, message)
    if not path or path[0] == "_schema" or message.endswith(f"'{path[-1]}'"):
        return message
    where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    return f"{where.lstrip('.')}: {message}"


def _path_to(messages, message):
    if isinstance(messages, list):
        return [] if message in messages else None
    for key, nested in messages.items():
        path = _path_to(nested, message)
        if path is not None:
            return [key, *path]
    return None
