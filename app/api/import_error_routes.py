"""import.errors (ours; Rocket.Chat has none): the users an import could not create, and why."""

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.import_errors import ImportErrorsOut, PageQuery
from app.services import import_errors

blp = Blueprint(
    "Import errors",
    __name__,
    url_prefix="/api/v1",
    description="The users an import could not create, and why (ours: Rocket.Chat has none).",
)


@blp.get("/import.errors")
@blp.arguments(PageQuery, location="query")
@blp.response(200, ImportErrorsOut)
@blp.requires("run-import")
def import_errors_page(query):
    """List the current operation's failed users with their reasons, never a password."""
    return import_errors.failed_users(get_db(), query.get("offset"), query.get("count"))
