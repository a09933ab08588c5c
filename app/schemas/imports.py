"""The bodies of import.new, import.addUsers, import.run and import.clear."""

from marshmallow import EXCLUDE, fields

from app.contract.rules import MAX_STRING
from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope
from app.schemas.operations import OperationOut

# Ours, not Rocket.Chat's, as MAX_STRING: a hostile body cannot stage megabyte lists.
MAX_VALUES = 100
MAX_NAME = 256  # characters of a custom field's name


def _text(**kwargs):
    return ajv.String(max_length=MAX_STRING, **kwargs)


def _texts(**kwargs):
    return ajv.Array(_text(), max_items=MAX_VALUES, **kwargs)


class UserIn(ajv.AjvSchema):
    """One user to stage, as Rocket.Chat's published validator accepts it."""

    class Meta:
        # Rocket.Chat allows unknown keys in a user; they are accepted, not stored, and the
        # answer names them (not_kept).
        unknown = EXCLUDE

    username = _text(nullable=True)
    emails = _texts(required=True)
    importIds = _texts(required=True)
    name = _text(nullable=True)
    utcOffset = ajv.Number(nullable=True)
    avatarUrl = _text(nullable=True)
    deleted = ajv.Boolean(nullable=True)
    statusText = _text(nullable=True)
    roles = _texts(nullable=True)
    type = _text(nullable=True)
    bio = _text(nullable=True)
    password = _text(nullable=True, load_only=True)
    # Not in Rocket.Chat's published validator, but kept by its importer (IImportUser).
    customFields = ajv.StringMap(
        max_properties=MAX_VALUES, max_name_length=MAX_NAME, max_length=MAX_STRING
    )
    voipExtension = _text(nullable=True)
    # Ours, an extension Rocket.Chat's validator lets through: the rooms the user joins.
    channels = _texts(nullable=True)


def not_kept(users):
    """Return `{field: [index of each user sending it]}` for the keys of raw users that are
    not stored (`services` above all: it would let a caller plant login tokens)."""
    known = set(UserIn().fields)
    found = {}
    for index, user in enumerate(users if isinstance(users, list) else []):
        for key in sorted(set(user) - known if isinstance(user, dict) else ()):
            found.setdefault(key, []).append(index)
    return found


class AddUsersOut(SuccessEnvelope):
    """import.addUsers: `success`, and (ours) the fields of the users that were not kept."""

    notKept = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Integer()),
        metadata={
            "description": "Ours, only when some were sent: each field that is not stored, with"
            " the indexes of the users that sent it (`services` is never written from a body)",
            "example": {"services": [0, 3]},
        },
    )


class AddUsersBody(ajv.AjvSchema):
    """import.addUsers: `{users: [...]}` and nothing else at the root."""

    users = ajv.Array(ajv.Object(UserIn), required=True)


class SuccessOut(SuccessEnvelope):
    """A body that only says `success: true`."""


class NewOperationOut(SuccessEnvelope):
    """import.new and import.cancel: the operation they created or cancelled."""

    operation = fields.Nested(OperationOut, required=True)
