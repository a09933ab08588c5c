"""The administrator's import console: one static page at /admin/import that calls the REST API.

The page is plain HTML, CSS and JavaScript modules shipped in the package (no CDN, no build
step). It is public: it holds no data, and every call it makes authenticates by header.
"""

from pathlib import Path

from flask import Blueprint, redirect, send_from_directory, url_for

from app.extensions import headers

STATIC_DIR = Path(__file__).parent / "static"
PREFIX = "/admin/import"

# Only the page's own files: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Sent by app/extensions/headers.py, the one place for response headers (nosniff on all).
CONSOLE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

blp = Blueprint("console", __name__, static_folder=None)


@blp.get("/")
def root():
    """Send a browser that opens the service to the console."""
    return redirect(url_for("console.page"))


@blp.get(PREFIX)
def page():
    """Serve the console's page."""
    return send_from_directory(STATIC_DIR, "index.html", max_age=0)


@blp.get(f"{PREFIX}/static/<path:filename>")
def asset(filename):
    """Serve one of the console's scripts or style sheets."""
    return send_from_directory(STATIC_DIR, filename, max_age=0)


def init_app(app):
    """Register the console's routes on app, and its headers with app/extensions/headers.py."""
    headers.EXTRA_HEADERS_BY_PREFIX[PREFIX] = CONSOLE_HEADERS
    app.register_blueprint(blp)
