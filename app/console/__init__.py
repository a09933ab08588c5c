"""The administrator's import console: one static page at /admin/import that calls the REST API.

The page is plain HTML, CSS and JavaScript modules shipped in the package (no CDN, no build
step). It is public: it holds no data, and every call it makes authenticates by header.
"""

from pathlib import Path

from flask import Blueprint, redirect, send_from_directory, url_for

STATIC_DIR = Path(__file__).parent / "static"

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
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

blp = Blueprint("console", __name__, static_folder=None)


@blp.get("/")
def root():
    """Send a browser that opens the service to the console."""
    return redirect(url_for("console.page"))


@blp.get("/admin/import")
def page():
    """Serve the console's page."""
    return send_from_directory(STATIC_DIR, "index.html", max_age=0)


@blp.get("/admin/import/static/<path:filename>")
def asset(filename):
    """Serve one of the console's scripts or style sheets."""
    return send_from_directory(STATIC_DIR, filename, max_age=0)


@blp.after_request
def secure(response):
    """Add the console's Content-Security-Policy and its companions to its responses."""
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app):
    """Register the console's routes on app."""
    app.register_blueprint(blp)
