"""import.plan (ours): what a sync's import.run would change, before anything changes."""

from flask import current_app

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.envelope import FailureOut
from app.schemas.sync import PlanAnswerOut, PlanQuery
from app.services import sync

blp = Blueprint(
    "Sync",
    __name__,
    url_prefix="/api/v1",
    description="A sync's plan: who is created, updated, deactivated (ours: not Rocket.Chat's).",
)


@blp.get("/import.plan")
@blp.arguments(PlanQuery, location="query")
@blp.response(200, PlanAnswerOut)
@blp.alt_response(400, schema=FailureOut, description="No sync operation, or a bad action")
@blp.requires("run-import")
def import_plan(query):
    """Work out (when the list changed) and page the current sync's plan; change no user."""
    limit = current_app.config["SYNC_MAX_DEACTIVATE_PERCENT"]
    page = query.get("offset"), query.get("count"), query.get("action")
    return sync.plan_page(get_db(), limit, *page)
