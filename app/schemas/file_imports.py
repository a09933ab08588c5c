"""The bodies of the file importers' routes, as Rocket.Chat's validators accept them."""

import json

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope


class UploadBody(ajv.AjvSchema):
    """uploadImportFile's JSON body: four strings, all required, nothing else."""

    binaryContent = ajv.String(required=True, metadata={"description": "The file, in base64"})
    contentType = ajv.String(required=True, metadata={"example": "application/zip"})
    fileName = ajv.String(required=True, metadata={"example": "export.zip"})
    importerKey = ajv.String(required=True, metadata={"example": "csv"})


_STREAMED = {"type": "string", "format": "binary"}
# uploadImportFile's request body as documented: the JSON body, or one of the streamed forms.
UPLOAD_REQUEST_BODY = {
    "required": True,
    "description": (
        "Rocket.Chat's JSON body (the file in base64), or a streamed upload: "
        "multipart/form-data (importerKey and fileName before the file part) or a raw "
        "body with `?importerKey=` and `fileName=` in the query."
    ),
    "content": {
        "application/json": {"schema": UploadBody},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "importerKey": {"type": "string"},
                    "fileName": {"type": "string"},
                    "contentType": {"type": "string"},
                    "file": _STREAMED,
                },
                "required": ["importerKey", "file"],
            }
        },
        "application/octet-stream": {"schema": _STREAMED},
    },
}


class UploadQuery(ajv.AjvSchema):
    """uploadImportFile's query (ours): a streamed upload names its importer and file here."""

    importerKey = ajv.String(metadata={"description": "A raw body's importer (csv, slack-users)"})
    fileName = ajv.String(metadata={"description": "A raw body's file name"})
    contentType = ajv.String(metadata={"description": "Defaults to the request's Content-Type"})


class DownloadBody(ajv.AjvSchema):
    """downloadPublicImportFile: `{fileUrl, importerKey}`, both required, nothing else."""

    fileUrl = ajv.String(required=True, metadata={"example": "https://example.com/export.zip"})
    importerKey = ajv.String(required=True, metadata={"example": "csv"})


class NoQuery(ajv.AjvSchema):
    """A GET route that takes no query keys: any key is refused (additionalProperties)."""


class _Item(ajv.AjvSchema):
    class Meta:
        unknown = EXCLUDE  # Rocket.Chat allows other keys in an item


class UserChoice(_Item):
    """A user of the 6.x full selection."""

    user_id = ajv.String(required=True)
    username = ajv.String(required=True)
    email = ajv.String(nullable=True)
    is_deleted = ajv.Boolean(required=True)
    is_bot = ajv.Boolean(required=True)
    do_import = ajv.Boolean(required=True)
    is_email_taken = ajv.Boolean(required=True)


class ChannelChoice(_Item):
    """A channel of the 6.x full selection (imported when `do_import` is true)."""

    channel_id = ajv.String(required=True)
    name = ajv.String(required=True)
    creator = ajv.String()
    is_archived = ajv.Boolean(required=True)
    do_import = ajv.Boolean(required=True)
    is_private = ajv.Boolean(required=True)
    is_direct = ajv.Boolean(required=True)


class RecordList(_Item):
    """7.0's short selection of one kind: `all`, or the ids in `list`."""

    all = ajv.Boolean()
    list = ajv.Array(ajv.String())


class _Either(fields.Field):
    """An array (6.x: the full selection) or an object (7.0: `{all, list}`)."""

    def __init__(self, item, **kwargs):
        super().__init__(**kwargs)
        self.as_array = ajv.Array(ajv.Object(item))
        self.as_object = ajv.Object(RecordList)

    def _deserialize(self, value, attr, data, **kwargs):
        field = self.as_array if isinstance(value, list) else self.as_object
        try:
            return field.deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            # Rocket.Chat reports the first error only, with no path.
            raise ValidationError([ajv._first(field, error.messages)]) from None


class Selection(ajv.AjvSchema):
    """startImport's `input`: 6.x lists (both required) or 7.0 `{all, list}` objects."""

    class Meta:
        unknown = EXCLUDE  # `contacts` and whatever a newer client sends

    users = _Either(UserChoice)
    channels = _Either(ChannelChoice)

    @validates_schema
    def _full_selection_is_whole(self, data, **kwargs):
        # The 6.x validator requires both lists; 7.0's requires neither.
        if any(isinstance(data.get(k), list) for k in ("users", "channels")):
            for name in ("users", "channels"):
                if name not in data:
                    raise ValidationError(ajv.REQUIRED.format(name=name))


class StartImportBody(ajv.AjvSchema):
    """startImport: `{input: <selection>}` and nothing else at the root."""

    input = ajv.Object(Selection, required=True)


class ImporterOut(Schema):
    """An importer of importers.list."""

    key = fields.String(required=True, metadata={"example": "csv"})
    name = fields.String(required=True, metadata={"example": "CSV"})


class WaitingOut(SuccessEnvelope):
    """getImportFileData while the file is being prepared."""

    waiting = fields.Boolean(required=True, metadata={"example": True})


class SelectedUserOut(Schema):
    """A user of the selection."""

    user_id = fields.String(required=True, metadata={"example": "billy.bob"})
    username = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    is_deleted = fields.Boolean(required=True)
    is_bot = fields.Boolean(required=True)
    do_import = fields.Boolean(required=True)
    is_email_taken = fields.Boolean(required=True)


class SelectedChannelOut(Schema):
    """A channel of the selection: a room created (or joined) with its members, unless
    startImport leaves it out."""

    channel_id = fields.String(required=True)
    name = fields.String(allow_none=True)
    creator = fields.String()
    is_archived = fields.Boolean(required=True)
    do_import = fields.Boolean(required=True, metadata={"example": True})
    is_private = fields.Boolean(required=True)
    is_direct = fields.Boolean(required=True)
    memberCount = fields.Integer(
        metadata={"description": "Ours: the members the file names, its creator aside"}
    )


class SelectionOut(SuccessEnvelope):
    """getImportFileData once the selection is ready (or `{waiting: true}` before)."""

    waiting = fields.Boolean(metadata={"description": "true while the file is being prepared"})
    name = fields.String(metadata={"example": "CSV"})
    users = fields.List(fields.Nested(SelectedUserOut))
    channels = fields.List(fields.Nested(SelectedChannelOut))
    message_count = fields.Integer()
    notImported = fields.List(
        fields.String(),
        metadata={
            "description": "Ours: what this service reads and counts but does not import",
            "example": ["messages"],
        },
    )


def selection_json(selection):
    """Return getImportFileData's body for a Selection, as SelectionOut documents it: the
    users' JSON goes in as it is, not dumped again one user at a time."""

    def text(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    channels = SelectedChannelOut(many=True).dump(selection.channels)
    parts = (
        (b'{"name":', text(selection.name)),
        (b',"users":', selection.users_json),
        (b',"channels":', text(channels)),
        (b',"message_count":', text(selection.message_count)),
        (b',"notImported":', text(selection.not_imported)),
    )
    return b"".join(piece for pair in parts for piece in pair) + b',"success":true}'
