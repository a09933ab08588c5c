"""rc-bulk-import: Rocket.Chat's Bulk User Import REST API on Flask and MongoDB."""

from flask import Flask

from app import api, console, db, import_worker, logs, ratelimit
from app.config import load_settings
from app.envelope import RocketChatJSON


def create_app(test_config=None):
    """Build the app: settings, logging, the database, the API and its error handlers."""
    app = Flask(__name__, static_folder=None)
    app.json = RocketChatJSON(app)
    app.config.update(load_settings(test_config))
    logs.init_app(app)
    db.init_app(app)
    import_worker.init_app(app, db.get_db_of(app))
    ratelimit.init_app(app)
    api.init_app(app)
    console.init_app(app)
    return app


def close_app(app):
    """Release what an app holds: its import worker, rate-limit storage and database client."""
    import_worker.get_worker_of(app).stop(timeout=30)
    ratelimit.close()
    db.get_db_of(app).client.close()
