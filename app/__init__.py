"""rc-bulk-import: Rocket.Chat's Bulk User Import REST API on Flask and MongoDB.

The factory imports the server's parts when it is called, not when `app` is imported:
the command-line importer (app.client) lives in this package too, and must start
without loading Flask, pymongo or mongomock.
"""


def create_app(test_config=None):
    """Build the app: settings, logging, the database, the API and its error handlers."""
    from flask import Flask

    from app import api, console, scim
    from app.config import load_settings
    from app.extensions import db, headers, logs, proxy, ratelimit, worker_binding
    from app.extensions.json_provider import RocketChatJSON

    app = Flask(__name__, static_folder=None)
    app.json = RocketChatJSON(app)
    app.config.update(load_settings(test_config))
    proxy.init_app(app)
    logs.init_app(app)
    db.init_app(app)
    worker_binding.init_app(app, db.get_db_of(app))
    ratelimit.init_app(app)
    api.init_app(app)
    scim.init_app(app)
    headers.init_app(app)
    console.init_app(app)
    return app


def close_app(app):
    """Release what an app holds: its import worker, rate-limit storage and database client."""
    from app.extensions import db, ratelimit, worker_binding

    worker_binding.get_worker_of(app).stop(timeout=30)
    ratelimit.close()
    db.get_db_of(app).client.close()
