"""Set-password invitations (ours): import.invite, import.invitations and their cancel."""

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.extensions.worker_binding import get_worker
from app.schemas.envelope import FailureOut
from app.schemas.invitations import (
    CancelBody,
    CancelOut,
    InvitationsOut,
    InvitationsQuery,
    InviteBody,
    InviteOut,
)
from app.services import invitations

blp = Blueprint(
    "Invitations",
    __name__,
    url_prefix="/api/v1",
    description="Set-password mails to imported users, through Rocket.Chat's reset page (ours).",
)

_REFUSED = {"schema": FailureOut, "description": "No such operation, or it has not ended"}


@blp.post("/import.invite")
@blp.arguments(InviteBody)
@blp.response(200, InviteOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_invite(body):
    """Queue a set-password mail for each user an operation created; a worker sends them."""
    queued = invitations.invite(
        get_db(), body.get("operationId"), body.get("users"), body.get("resend") or False
    )
    get_worker().wake()
    return queued


@blp.get("/import.invitations")
@blp.arguments(InvitationsQuery, location="query")
@blp.response(200, InvitationsOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_invitations(query):
    """List each person's invitation state, with the counts; never a token or a link."""
    return invitations.listing(
        get_db(),
        query.get("operationId"),
        query.get("offset"),
        query.get("count"),
        query.get("state"),
    )


@blp.post("/import.invitations.cancel")
@blp.arguments(CancelBody)
@blp.response(200, CancelOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_invitations_cancel(body):
    """Stop sending: the invitations not sent yet become skipped (`cancelled`)."""
    return invitations.cancel(get_db(), body.get("operationId"))
