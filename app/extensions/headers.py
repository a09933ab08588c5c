"""Security headers a reverse proxy does not add for us: the one place that sets them.

Other parts (a console serving HTML, say) extend `EXTRA_HEADERS_BY_PREFIX` rather than
registering their own hook, so that every answer passes through one function.
"""

from flask import g, request

# Headers sent on answers to paths under a prefix, e.g. a Content-Security-Policy for pages.
EXTRA_HEADERS_BY_PREFIX = {}


def init_app(app):
    """Add the security headers to every answer, errors included."""
    app.after_request(add_security_headers)


def add_security_headers(response):
    """Set nosniff everywhere, and no-store on answers to an authenticated caller and on
    those a view marks with `g.no_store` (login, which hands out a token)."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if g.get("user") is not None or g.get("no_store") or request.headers.get("X-Auth-Token"):
        # A token's answers hold what only its owner may see: no cache keeps a copy.
        response.headers["Cache-Control"] = "no-store"
    for prefix, headers in EXTRA_HEADERS_BY_PREFIX.items():
        if request.path.startswith(prefix):
            response.headers.update(headers)
    return response
