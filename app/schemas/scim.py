"""SCIM 2.0 request bodies (RFC 7643 §4.1, RFC 7644 §3.5.2): a User as Okta and Entra ID
send it, and a PatchOp. Attributes Rocket.Chat has no place for are ignored, as RFC 7644
lets a service provider do, so that an identity provider's default mappings never fail."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MAX_TEXT = 2048  # as the importer's strings
MAX_EMAILS = 100
MAX_OPERATIONS = 100
_TEXT = validate.Length(max=MAX_TEXT)


class ScimBoolean(fields.Boolean):
    """A boolean, or one written as a string in any case (Entra ID sends "False")."""

    truthy = {True, "true"}
    falsy = {False, "false"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.lower()
        return super()._deserialize(value, attr, data, **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = EXCLUDE


class NameIn(_Strict):
    """The name parts Rocket.Chat's single `name` is made of."""

    formatted = fields.String(allow_none=True, validate=_TEXT)
    givenName = fields.String(allow_none=True, validate=_TEXT)  # noqa: N815 - SCIM's name
    familyName = fields.String(allow_none=True, validate=_TEXT)  # noqa: N815
    middleName = fields.String(allow_none=True, validate=_TEXT)  # noqa: N815


class EmailIn(_Strict):
    """One address; `primary` puts it first, which Rocket.Chat treats as the user's own."""

    value = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    type = fields.String(allow_none=True, validate=_TEXT)
    primary = ScimBoolean(allow_none=True)


class UserIn(_Strict):
    """A SCIM User, as POST and PUT send it (and PATCH leaves it)."""

    schemas = fields.List(fields.String(), validate=validate.Length(max=10))
    userName = fields.String(  # noqa: N815
        required=True, validate=validate.Length(min=1, max=256)
    )
    externalId = fields.String(allow_none=True, validate=_TEXT)  # noqa: N815
    displayName = fields.String(allow_none=True, validate=_TEXT)  # noqa: N815
    name = fields.Nested(NameIn, allow_none=True)
    emails = fields.List(
        fields.Nested(EmailIn), allow_none=True, validate=validate.Length(max=MAX_EMAILS)
    )
    active = ScimBoolean(allow_none=True)
    password = fields.String(allow_none=True, load_only=True, validate=_TEXT)

    @validates_schema
    def _user_schema(self, data, **kwargs):
        schemas = data.get("schemas")
        if schemas is not None and USER_SCHEMA.lower() not in {s.lower() for s in schemas}:
            raise ValidationError(f"schemas must include {USER_SCHEMA}", "schemas")


class OperationIn(_Strict):
    """One PATCH operation: `op` in any case (Entra writes "Replace"), a path, a value."""

    op = fields.String(
        required=True,
        validate=validate.OneOf(("add", "remove", "replace")),
    )
    path = fields.String(allow_none=True, validate=validate.Length(max=512))
    value = fields.Raw(allow_none=True)

    def load(self, data, *args, **kwargs):
        """Load an operation, its `op` compared ignoring case."""
        if isinstance(data, dict) and isinstance(data.get("op"), str):
            data = {**data, "op": data["op"].lower()}
        return super().load(data, *args, **kwargs)


class PatchIn(_Strict):
    """A PatchOp message: its schema and Operations (RFC 7644 §3.5.2)."""

    schemas = fields.List(fields.String(), required=True)
    Operations = fields.List(  # noqa: N815 - SCIM's name
        fields.Nested(OperationIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_OPERATIONS),
    )

    @validates_schema
    def _patch_schema(self, data, **kwargs):
        if PATCH_SCHEMA not in data.get("schemas", []):
            raise ValidationError(f"schemas must be [{PATCH_SCHEMA}]", "schemas")
