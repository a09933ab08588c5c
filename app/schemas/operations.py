"""Import operations as the read-only routes return them."""

from marshmallow import Schema, fields

from app.contract.states import REPORTED_STATES
from app.schemas.envelope import SuccessEnvelope
from app.schemas.fields import RcDate

_EXAMPLE_ID = "64d51ea91558939980aab371"


class CountOut(Schema):
    """An operation's counters; each is present only once Rocket.Chat has written it."""

    total = fields.Integer()
    users = fields.Integer()
    channels = fields.Integer()
    messages = fields.Integer()
    completed = fields.Integer()
    error = fields.Integer()


class UserCountsOut(Schema):
    """Ours: the run's users only, never its channels or messages."""

    selected = fields.Integer(metadata={"description": "Users the run started with"})
    created = fields.Integer()
    updated = fields.Integer(metadata={"description": "Existing users a file import updated"})
    failed = fields.Integer()


class RoomCountsOut(Schema):
    """Ours: what the run did to rooms (default channels, a file's channels, each user's)."""

    created = fields.Integer(metadata={"description": "Rooms the run created (a file's channels)"})
    existing = fields.Integer(metadata={"description": "A file's channels that existed: joined"})
    joined = fields.Integer(metadata={"description": "Subscriptions the run wrote"})
    unknownMembers = fields.List(
        fields.String(),
        metadata={"description": "Members a file names whom no user is (the first 100)"},
    )
    unknownMemberCount = fields.Integer()


class OperationOut(Schema):
    """A `rocketchat_import` document; fields missing from the document are left out."""

    id = fields.String(
        attribute="_id", data_key="_id", metadata={"example": "64d51ea91558939980aab371"}
    )
    type = fields.String(metadata={"example": "api"})
    importerKey = fields.String(metadata={"example": "api"})
    ts = RcDate(metadata={"example": "2023-08-10T17:30:17.519Z"})
    status = fields.String(metadata={"example": "importer_user_selection"})
    valid = fields.Boolean()
    user = fields.String(metadata={"example": "7TY57bBj3xQXvf2i2"})
    updatedAt = RcDate(attribute="_updatedAt", data_key="_updatedAt")
    file = fields.String()
    contentType = fields.String()
    errorMessage = fields.String(
        metadata={"description": "Ours: why the file could not be prepared (file, line, what)"}
    )
    notImported = fields.List(
        fields.String(),
        metadata={"description": "Ours: what a file operation reads but does not import"},
    )
    count = fields.Nested(CountOut)
    userCounts = fields.Nested(
        UserCountsOut,
        metadata={
            "description": "Ours, once this service runs the operation: the users created,"
            " updated (file importers) and failed, of those selected"
        },
    )
    roomCounts = fields.Nested(RoomCountsOut)


class StatusOut(SuccessEnvelope):
    """import.status: the state, and the current operation when there is one."""

    state = fields.String(
        required=True,
        metadata={"enum": list(REPORTED_STATES)},
    )
    operation = fields.Nested(OperationOut)


class CurrentOperationOut(SuccessEnvelope):
    """getCurrentImportOperation: the current operation, absent when there is none."""

    operation = fields.Nested(OperationOut)


class ProgressCountOut(Schema):
    """getImportProgress's counters, zero until written."""

    completed = fields.Integer(required=True)
    total = fields.Integer(required=True)
    error = fields.Integer(required=True)


class ProgressOut(SuccessEnvelope):
    """getImportProgress: the importer, its step and its counters."""

    key = fields.String(required=True, metadata={"example": "api"})
    name = fields.String(required=True, metadata={"example": "API"})
    step = fields.String(required=True, metadata={"example": "importer_importing_users"})
    count = fields.Nested(ProgressCountOut, required=True)
    userCounts = fields.Nested(UserCountsOut, metadata={"description": "Ours: as in an operation"})
