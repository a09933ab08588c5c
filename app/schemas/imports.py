"""The bodies of import.new, import.addUsers, import.run and import.clear."""

from marshmallow import EXCLUDE, fields

from app.contract.rules import MAX_STRING
from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope
from app.schemas.operations import OperationOut

# Ours, not Rocket.Chat's, as MAX_STRING: a hostile body cannot stage megabyte lists.
MAX_VALUES = 100


def _text(**kwargs):
    return ajv.String(max_length=MAX_STRING, **kwargs)


def _texts(**kwargs):
    return ajv.Array(_text(), max_items=MAX_VALUES, **kwargs)


class UserIn(ajv.AjvSchema):
    """One user to stage, as Rocket.Chat's published validator accepts it."""

    class Meta:
        # Rocket.Chat allows unknown keys in a user; they are accepted and not stored.
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


class AddUsersBody(ajv.AjvSchema):
    """import.addUsers: `{users: [...]}` and nothing else at the root."""

    users = ajv.Array(ajv.Object(UserIn), required=True)


class SuccessOut(SuccessEnvelope):
    """A body that only says `success: true`."""


class NewOperationOut(SuccessEnvelope):
    """import.new and import.cancel: the operation they created or cancelled."""

    operation = fields.Nested(OperationOut, required=True)
