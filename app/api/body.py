"""Request bodies: a size limit checked before anything is read, and strict JSON."""

import json

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import InvalidParams


def reject_oversized_body():
    """Answer 413 before reading a body whose declared length exceeds MAX_BODY_BYTES
    (or the route's own `body_limit`, a function of the settings)."""
    limit = current_app.config["MAX_BODY_BYTES"]
    view = current_app.view_functions.get(request.endpoint)
    if hasattr(view, "body_limit"):
        limit = view.body_limit(current_app.config)
        request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def parse_json(raw):
    """Parse a body as JSON.parse would: UTF-8, no NaN or Infinity; raise InvalidParams."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise InvalidParams("Invalid JSON body") from None


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")
