"""SCIM error answers (RFC 7644 §3.12): every failure under /scim/v2, whatever raised it,
becomes `{schemas, status (a string), scimType?, detail}`; a 500 never carries the
exception's text."""

import json
import logging

from flask import Response
from flask_limiter.errors import RateLimitExceeded
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.extensions import ratelimit
from app.models.db_errors import DatabaseError, is_unavailable
from app.services import provisioning, scim_users
from app.services.scim_filter import FilterError

log = logging.getLogger(__name__)

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
MEDIA_TYPE = "application/scim+json"


class ScimError(Exception):
    """A SCIM failure: its HTTP status, scimType (or None) and detail."""

    def __init__(self, status, detail, scim_type=None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type
        self.headers = headers or {}


def answer(body, status=200, headers=None):
    """Return a SCIM JSON answer."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers, mimetype=MEDIA_TYPE)


def error_body(status, detail, scim_type=None):
    """Return the body of a SCIM error."""
    body = {"schemas": [ERROR_SCHEMA], "status": str(status)}
    if scim_type:
        body["scimType"] = scim_type
    body["detail"] = detail
    return body


def _scim_error(error):
    return answer(
        error_body(error.status, error.detail, error.scim_type), error.status, error.headers
    )


def _validation_error(error):
    return _scim_error(ScimError(400, f"invalid body: {_first(error.messages)}", "invalidValue"))


def _first(messages, path=""):
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        return _first(value, f"{path}.{key}" if path else str(key))
    text = messages[0] if isinstance(messages, list) and messages else messages
    return f"{path}: {text}" if path else str(text)


# Each domain error, and the status and scimType RFC 7644 gives it.
_DOMAIN = (
    (FilterError, 400, "invalidFilter"),
    (provisioning.Taken, 409, "uniqueness"),
    (provisioning.NoSuchUser, 404, None),
    (scim_users.NotFound, 404, None),
    (provisioning.Refused, 400, "invalidValue"),
)


def _domain_error(error):
    for kind, status, scim_type in _DOMAIN:
        if isinstance(error, kind):
            detail = getattr(error, "reason", None) or str(error) or "not found"
            if isinstance(error, scim_users.NotFound):
                detail = f"no user with id {error.args[0]}"
            return _scim_error(ScimError(status, detail, scim_type))
    return _unexpected(error)


def _http_error(error):
    headers = {k: v for k, v in error.get_headers() if k == "Allow"}
    detail = {404: "not found", 405: "method not allowed"}.get(error.code, error.name)
    return _scim_error(ScimError(error.code, detail, headers=headers))


def _too_many(error):
    seconds = ratelimit.seconds_to_wait()
    detail = f"too many requests: wait {seconds} seconds"
    return _scim_error(ScimError(429, detail, headers={"Retry-After": str(seconds)}))


def _database_error(error):
    if is_unavailable(error):
        log.error("database unavailable: %s", type(error).__name__)
        detail = "the database cannot be reached; try again later"
        return _scim_error(ScimError(503, detail, headers={"Retry-After": "5"}))
    return _unexpected(error)


def _unexpected(error):
    log.exception("unexpected error")  # the traceback to the log, never to the client
    return _scim_error(ScimError(500, "internal server error"))


def register(blueprint):
    """Register the handlers on the SCIM blueprint: they answer every error of its routes."""
    blueprint.register_error_handler(ScimError, _scim_error)
    blueprint.register_error_handler(ValidationError, _validation_error)
    for kind, *_ in _DOMAIN:
        blueprint.register_error_handler(kind, _domain_error)
    blueprint.register_error_handler(HTTPException, _http_error)
    blueprint.register_error_handler(RateLimitExceeded, _too_many)
    blueprint.register_error_handler(DatabaseError, _database_error)
    blueprint.register_error_handler(Exception, _unexpected)
