"""The blueprint of Rocket.Chat's Bulk User Import routes (routes live in *_routes.py)."""

from app.api.blueprint import Blueprint

blp = Blueprint(
    "Bulk User Import",
    __name__,
    url_prefix="/api/v1",
    description="Rocket.Chat's Bulk User Import API: stage users, run the import, watch it.",
)
