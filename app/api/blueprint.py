"""The blueprint class of the API: header auth, per-route permissions, Rocket.Chat's 400s."""

import functools

import flask_smorest
from flask import current_app, g, request
from marshmallow.utils import missing
from webargs.flaskparser import FlaskParser

from app.api.body import parse_json
from app.errors import InvalidParams
from app.extensions import ratelimit
from app.extensions.db import get_db
from app.schemas.envelope import FailureOut
from app.services import auth

SECURITY_SCHEMES = {
    "userId": {"type": "apiKey", "in": "header", "name": "X-User-Id"},
    "authToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"},
}
# What the OpenAPI document says an authenticated route needs: both headers.
AUTHENTICATED = [{"userId": [], "authToken": []}]
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class _RocketChatParser(FlaskParser):
    """Parse bodies with the schema's own notion of the first error, as Rocket.Chat reports it."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """Raise InvalidParams with the first error, as Rocket.Chat's validator reports it."""
        messages = error.messages
        if len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            (messages,) = messages.values()  # webargs files errors under their location
        first = getattr(schema, "first_error", None)
        raise InvalidParams(first(messages) if first else _first_message(messages))

    def load_json(self, req, schema):
        """Read the body as strict JSON whatever its Content-Type; an empty body is missing.

        A form body that is not JSON is missing too, so that routes which also take forms
        (login) fall back to them, while `curl -d '{...}'` still reaches JSON routes.
        """
        raw = req.get_data(cache=True)
        if not raw.strip():
            return missing
        if req.mimetype in _FORMS:
            try:
                return parse_json(raw)
            except InvalidParams:
                return missing
        return parse_json(raw)


def _first_message(messages):
    while isinstance(messages, dict):
        messages = next(iter(messages.values()))
    return messages[0] if isinstance(messages, list) else str(messages)


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose routes authenticate by header unless marked public."""

    ARGUMENTS_PARSER = _RocketChatParser()

    def __init__(self, *args, authenticated=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.authenticated = authenticated
        if authenticated:
            self.before_request(authenticate_caller)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, **kwargs):
        """Register a route; on authenticated blueprints it is rate limited too."""
        if self.authenticated and view_func is not None:
            view_func = ratelimit.limited(view_func)
        super().add_url_rule(rule, endpoint, view_func, *args, **kwargs)

    def requires(self, permission):
        """Check the caller's permission after body validation, as Rocket.Chat orders it."""

        def decorator(view):
            @functools.wraps(view)
            def checked(*args, **kwargs):
                auth.require(g.granted, permission)
                return view(*args, **kwargs)

            checked.required_permission = permission

            for status, description in (
                (401, "Not logged in: X-User-Id and X-Auth-Token are missing or wrong"),
                (403, f"The caller's roles lack the permission `{permission}`"),
            ):
                checked = self.alt_response(status, schema=FailureOut, description=description)(
                    checked
                )
            return self.doc(security=AUTHENTICATED, **{"x-permission": permission})(checked)

        return decorator


def public(view):
    """Mark a view of an authenticated blueprint as open to anonymous callers."""
    view.is_public = True
    return view


def authenticate_caller():
    """Put the caller on g.user from X-User-Id and X-Auth-Token, or answer 401.

    The permissions the route needs, and the rate-limit bypass, are read with the user
    in one query, so that the checks that follow cost no round trip.
    """
    view = current_app.view_functions.get(request.endpoint)
    g.granted = set()
    if getattr(view, "is_public", False):
        return
    db = get_db()
    g.user = auth.authenticate(
        db, request.headers.get("X-User-Id"), request.headers.get("X-Auth-Token")
    )
    wanted = (getattr(view, "required_permission", None), ratelimit.BYPASS)
    g.granted = auth.granted(db, g.user, wanted)
