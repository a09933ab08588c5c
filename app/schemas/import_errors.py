"""The body of import.errors: failed staged users, paginated as Rocket.Chat paginates."""

from marshmallow import EXCLUDE, Schema, fields

from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope
from app.schemas.fields import RcDate


class PageQuery(ajv.AjvSchema):
    """`offset` and `count` query parameters, as Rocket.Chat's paginated routes read them."""

    class Meta:
        # Other query parameters (sort, fields) are ignored, as on Rocket.Chat's routes.
        unknown = EXCLUDE

    offset = ajv.Number(metadata={"description": "Records to skip (default 0)"})
    count = ajv.Number(metadata={"description": "Records per page (default 50, at most 100)"})


class StagedUserOut(Schema):
    """A staged user as it was sent: never its password, nor the password's digest."""

    username = fields.String(allow_none=True)
    emails = fields.List(fields.String())
    importIds = fields.List(fields.String())
    name = fields.String(allow_none=True)
    utcOffset = fields.Raw(metadata={"type": "number"})
    avatarUrl = fields.String(allow_none=True)
    deleted = fields.Boolean(allow_none=True)
    statusText = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    type = fields.String(allow_none=True)
    bio = fields.String(allow_none=True)
    customFields = fields.Dict(keys=fields.String(), values=fields.String())
    voipExtension = fields.String(allow_none=True)
    channels = fields.List(fields.String())


class RecordErrorOut(Schema):
    """Why a staged user was not created."""

    message = fields.String(required=True, metadata={"example": "email already in use: a@b.c"})


class FailedUserOut(Schema):
    """A staged user that could not be created, with why."""

    id = fields.String(attribute="_id", data_key="_id", metadata={"example": "6b0b2a0f3c1d"})
    data = fields.Nested(StagedUserOut, required=True)
    errors = fields.List(fields.Nested(RecordErrorOut), required=True)


class ImportErrorsOut(SuccessEnvelope):
    """import.errors: one page of failed users, `count` of them, of `total`, from `offset`."""

    users = fields.List(fields.Nested(FailedUserOut), required=True)
    count = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    total = fields.Integer(required=True)


class UpdatedUserOut(Schema):
    """An existing user a file import updated: which fields changed (names, never values)."""

    id = fields.String(attribute="_id", data_key="_id", metadata={"description": "The record"})
    user = fields.String(required=True, metadata={"description": "The updated user's _id"})
    username = fields.String(allow_none=True)
    importId = fields.String(allow_none=True, metadata={"example": "billy.bob"})
    fields_ = fields.List(
        fields.String(),
        data_key="fields",
        attribute="fields",
        required=True,
        metadata={"example": ["name", "emails", "importIds"]},
    )
    notes = fields.List(
        fields.String(),
        metadata={"description": "What was deliberately kept, or done besides (deactivation)"},
    )
    at = RcDate()


class ImportUpdatesOut(SuccessEnvelope):
    """import.updates: one page of updated users, `count` of them, of `total`, from `offset`."""

    users = fields.List(fields.Nested(UpdatedUserOut), required=True)
    count = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    total = fields.Integer(required=True)
