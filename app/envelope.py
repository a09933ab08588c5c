"""Rocket.Chat's response envelope: the only place that shapes success and failure bodies."""

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


def failure(error, *, error_type=None, details=None):
    """Return the body of a failed call: `{success: false, error[, errorType][, details]}`."""
    body = {"success": False, "error": error}
    if error_type:
        body["errorType"] = error_type
    if details:
        body["details"] = details  # Meteor.Error's details: the method that refused
    return body


def unauthorized(message):
    """Return the 401 body; it carries both the 7.x and the 6.x keys."""
    return {"success": False, "error": message, "status": "error", "message": message}


def login_refused(error, details, message):
    """Return the 401 of a login refused with a reason Rocket.Chat names (a block)."""
    return {
        "success": False,
        "error": error,
        "status": "error",
        "details": details,
        "message": message,
    }


class FailureOut(Schema):
    """Any error body, as documented in the OpenAPI document."""

    success = fields.Boolean(required=True, metadata={"example": False})
    error = fields.String(required=True)
    errorType = fields.String()
    status = fields.String()
    # Meteor.Error's details: the method that refused (a string), or an object (login).
    details = fields.Raw(metadata={"description": "A method name, or an object"})
    message = fields.String()
