"""The bodies of import.new, import.addUsers, import.run and import.clear."""

from marshmallow import EXCLUDE, fields

from app.envelope import SuccessEnvelope
from app.schemas import ajv
from app.schemas.operations import OperationOut


class UserIn(ajv.AjvSchema):
    """One user to stage, as Rocket.Chat's published validator accepts it."""

    class Meta:
        # Rocket.Chat allows unknown keys in a user; they are accepted and not stored.
        unknown = EXCLUDE

    username = ajv.String(nullable=True)
    emails = ajv.Array(ajv.String(), required=True)
    importIds = ajv.Array(ajv.String(), required=True)
    name = ajv.String(nullable=True)
    utcOffset = ajv.Number(nullable=True)
    avatarUrl = ajv.String(nullable=True)
    deleted = ajv.Boolean(nullable=True)
    statusText = ajv.String(nullable=True)
    roles = ajv.Array(ajv.String(), nullable=True)
    type = ajv.String(nullable=True)
    bio = ajv.String(nullable=True)
    password = ajv.String(nullable=True, load_only=True)


class AddUsersBody(ajv.AjvSchema):
    """import.addUsers: `{users: [...]}` and nothing else at the root."""

    users = ajv.Array(ajv.Object(UserIn), required=True)


class SuccessOut(SuccessEnvelope):
    """A body that only says `success: true`."""


class NewOperationOut(SuccessEnvelope):
    """import.new: the operation it created."""

    operation = fields.Nested(OperationOut, required=True)
