"""Authentication as Rocket.Chat answers it: login, logout and me."""

from flask import g, request

from app.api.blueprint import AUTHENTICATED, Blueprint, public
from app.extensions.db import get_db
from app.schemas.envelope import FailureOut
from app.schemas.sessions import LoginBody, LoginOut, LogoutOut, MeOut
from app.services import sessions

blp = Blueprint(
    "Sessions",
    __name__,
    url_prefix="/api/v1",
    description="Log in for a token, log out, and read who the token belongs to.",
)
# A login body may be JSON or form-encoded (curl -d), as Rocket.Chat reads it; documented as JSON.
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
    "json_or_form": "application/json",
}


@blp.post("/login")
@public
@blp.arguments(LoginBody, location="json_or_form")
@blp.response(200, LoginOut)
@blp.alt_response(
    401,
    schema=FailureOut,
    description="Wrong credentials, user deactivated, or blocked after too many failed logins",
)
def login(body):
    """Log in with a username or email and a password, or resume a token; get a token."""
    g.no_store = True  # the answer holds a token
    data = sessions.log_in(get_db(), body, request.host_url, request.remote_addr)
    return {"status": "success", "data": data}


@blp.post("/logout")
@blp.response(200, LogoutOut)
@blp.alt_response(401, schema=FailureOut, description="Not logged in")
@blp.doc(security=AUTHENTICATED)
def logout():
    """Forget the token this request was made with."""
    data = sessions.log_out(get_db(), g.user["_id"], request.headers["X-Auth-Token"])
    return {"status": "success", "data": data}


@blp.get("/me")
@blp.response(200, MeOut)
@blp.alt_response(401, schema=FailureOut, description="Not logged in")
@blp.doc(security=AUTHENTICATED)
def me():
    """Describe the caller: profile, roles, and whether a password exists (never secrets)."""
    return sessions.me(get_db(), g.user["_id"], request.host_url)
