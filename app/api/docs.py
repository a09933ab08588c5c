"""Swagger UI's assets, served from the installed swagger-ui-bundle package (no CDN)."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/v1/docs/assets/"

assets = Blueprint("docs_assets", __name__, url_prefix=ASSETS_URL.rstrip("/"))


@assets.get("/<path:filename>")
def asset(filename):
    """Serve one Swagger UI file."""
    return send_from_directory(swagger_ui_path, filename, max_age=3600)
