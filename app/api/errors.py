"""The one place that turns every error into Rocket.Chat's JSON envelope."""

import logging

from flask import current_app, jsonify, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from app.errors import (
    CodedError,
    Forbidden,
    InvalidParams,
    LoginBlocked,
    ServiceError,
    Unauthorized,
)
from app.extensions import db, ratelimit
from app.models.db_errors import DatabaseError, is_unavailable

log = logging.getLogger(__name__)

# Rocket.Chat's wording where it has one; werkzeug's names otherwise.
_HTTP_MESSAGES = {404: "Resource not found", 500: "Internal server error"}
_UNAVAILABLE = "Service unavailable: the database cannot be reached. Try again later."


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


def _reply(body, status, headers=None):
    response = jsonify(body)
    response.status_code = status
    response.headers.extend(headers or {})
    return response


def _service_error(error):
    if isinstance(error, LoginBlocked):
        return _reply(login_refused(error.error, error.details, error.message), 401)
    if isinstance(error, Unauthorized):
        return _reply(unauthorized(error.message), 401)
    if isinstance(error, Forbidden):
        return _reply(failure(error.message), 403)
    error_type = error.error_type if isinstance(error, InvalidParams | CodedError) else None
    details = getattr(error, "details", None)
    return _reply(failure(error.message, error_type=error_type, details=details), 400)


def _http_error(error):
    message = _HTTP_MESSAGES.get(error.code, error.name)
    if error.code == 413:
        limit = request.max_content_length or current_app.config["MAX_BODY_BYTES"]
        message = f"Request body too large: the limit is {limit} bytes [error-request-too-large]"
    allow = [("Allow", value) for key, value in error.get_headers() if key == "Allow"]
    return _reply(failure(message), error.code, allow)


def _too_many_requests(error):
    seconds = ratelimit.seconds_to_wait()
    message = (
        "Error, too many requests. Please slow down. You must wait "
        f"{seconds} seconds before trying this endpoint again. [error-too-many-requests]"
    )
    return _reply(failure(message), 429)


def _unavailable(error):
    # One line on the cause, not pymongo's topology dump (600 characters a request).
    log.error("database unavailable: %s", db.describe_outage(error))
    return _reply(failure(_UNAVAILABLE), 503, {"Retry-After": "5"})


def _database_error(error):
    return _unavailable(error) if is_unavailable(error) else _unexpected(error)


def _unexpected(error):
    # The traceback goes to the log, never to the client.
    log.exception("unexpected error")
    return _reply(failure(_HTTP_MESSAGES[500]), 500)


def register_error_handlers(app):
    """Register the handlers on the app (not a blueprint), so unknown URLs and 405s go here."""
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    app.register_error_handler(DatabaseError, _database_error)
    app.register_error_handler(Exception, _unexpected)
