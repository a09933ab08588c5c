"""Rocket.Chat's response envelope as schemas: success bodies, and failures as documented.

The failure bodies themselves are built by app/api/errors.py, the one place for errors.
"""

from marshmallow import Schema, fields, post_dump


class SuccessEnvelope(Schema):
    """Base of every object response: the dumped object followed by `success: true`."""

    success = fields.Boolean(dump_only=True, metadata={"example": True})

    @post_dump
    def _add_success(self, data, **kwargs):
        # Rocket.Chat appends `success` last; bare arrays never pass through here.
        data.pop("success", None)
        data["success"] = True
        return data


class FailureOut(Schema):
    """Any error body, as documented in the OpenAPI document."""

    success = fields.Boolean(required=True, metadata={"example": False})
    error = fields.String(required=True)
    errorType = fields.String()
    status = fields.String()
    # Meteor.Error's details: the method that refused (a string), or an object (login).
    details = fields.Raw(metadata={"description": "A method name, or an object"})
    message = fields.String()
