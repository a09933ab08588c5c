"""GET /api/info: the public route Rocket.Chat clients call first."""

from flask import current_app

from app.api.blueprint import Blueprint
from app.schemas.server import InfoOut

blp = Blueprint(
    "Server",
    __name__,
    url_prefix="/api",
    authenticated=False,
    description="Server information, open to anyone.",
)


@blp.get("/info")
@blp.response(200, InfoOut)
def info():
    """Tell the Rocket.Chat API version this service answers as."""
    return {"version": current_app.config["VERSION"]}
