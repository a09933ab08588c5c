"""The import lifecycle: import.new, import.addUsers, import.run, import.clear."""

import logging

from flask import current_app, g, request

from app.api.blueprint import Blueprint
from app.errors import InvalidParams
from app.extensions.db import get_db
from app.extensions.worker_binding import get_worker
from app.schemas.ajv import require_valid
from app.schemas.envelope import FailureOut
from app.schemas.imports import AddUsersBody, AddUsersOut, NewOperationOut, SuccessOut, not_kept
from app.schemas.sync import SyncNewBody
from app.services import imports, sync

log = logging.getLogger(__name__)

blp = Blueprint(
    "Imports",
    __name__,
    url_prefix="/api/v1",
    description="Stage users (import.new, import.addUsers), then run, clear or cancel the import.",
)

_REFUSED = {"schema": FailureOut, "description": "Refused in the operation's current state"}


@blp.post("/import.new")
@blp.doc(requestBody={"required": False, "content": {"application/json": {"schema": SyncNewBody}}})
@blp.response(200, NewOperationOut)
@blp.requires("run-import")
def import_new():
    """Invalidate every operation, empty the staging area and start a new operation; with
    `{"mode": "sync", ...}` (ours), a sync of the users to the list (docs/sync.md)."""
    body = request.get_json(silent=True)
    if isinstance(body, dict) and "mode" in body:
        options = _valid(SyncNewBody(), body)
        return {"operation": sync.new_sync(get_db(), g.user["_id"], options)}
    return {"operation": imports.new_operation(get_db(), g.user["_id"])}


def _valid(schema, body):
    try:
        return require_valid(schema, body)
    except ValueError as error:
        raise InvalidParams(str(error)) from None


@blp.post("/import.addUsers")
@blp.arguments(AddUsersBody)
@blp.response(200, AddUsersOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_add_users(body):
    """Stage users in the current operation; calls add up. Fields not stored are named."""
    imports.add_users(get_db(), body["users"], current_app.config["MAX_USERS_PER_REQUEST"])
    # The body parsed already, whatever its Content-Type (as Rocket.Chat reads it).
    dropped = not_kept((request.get_json(force=True, silent=True) or {}).get("users"))
    if not dropped:
        return {}
    # Names and counts only: a value (a token in `services`) never reaches the log.
    log.warning("import.addUsers: not kept: %s", {k: len(v) for k, v in dropped.items()})
    return {"notKept": dropped}


@blp.post("/import.run")
@blp.response(200, SuccessOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_run():
    """Start importing the staged users (or a sync's plan) in the background; answer at once."""
    sync.start(get_db(), current_app.config["SYNC_MAX_DEACTIVATE_PERCENT"])
    get_worker().wake()
    return {}


@blp.post("/import.clear")
@blp.response(200, SuccessOut)
@blp.requires("run-import")
def import_clear():
    """Invalidate every operation and empty the staging area; a running import stops."""
    imports.clear(get_db())
    return {}


@blp.post("/import.cancel")
@blp.response(200, NewOperationOut)
@blp.alt_response(400, **_REFUSED)
@blp.requires("run-import")
def import_cancel():
    """Cancel the current operation (ours): at once, or at the next batch if it is importing."""
    return {"operation": imports.cancel(get_db())}
