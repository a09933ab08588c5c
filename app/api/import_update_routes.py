"""import.updates (ours; Rocket.Chat has none): the existing users a file import updated."""

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.import_errors import ImportUpdatesOut, PageQuery
from app.services import import_updates

blp = Blueprint(
    "Import updates",
    __name__,
    url_prefix="/api/v1",
    description="The existing users a file import updated, and which fields (ours).",
)


@blp.get("/import.updates")
@blp.arguments(PageQuery, location="query")
@blp.response(200, ImportUpdatesOut)
@blp.requires("run-import")
def import_updates_page(query):
    """List the users the current operation updated, with the names of the fields changed."""
    return import_updates.updated_users(get_db(), query.get("offset"), query.get("count"))
