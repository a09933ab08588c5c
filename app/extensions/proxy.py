"""The client's own address behind reverse proxies: Rocket.Chat's HTTP_FORWARDED_COUNT.

With N proxies in front, each appending the address it received from to X-Forwarded-For,
the client is the N-th address from the right; anything further left was written by the
client and is not trusted. With 0 the header is ignored: request.remote_addr, which the
rate limiter, login protection and access log use, stays the connecting peer.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app):
    """Wrap the app in werkzeug's ProxyFix when HTTP_FORWARDED_COUNT proxies are trusted."""
    count = app.config["HTTP_FORWARDED_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=0, x_host=0, x_port=0)
