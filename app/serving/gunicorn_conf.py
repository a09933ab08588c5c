"""gunicorn's settings for the image's default command.

`gunicorn -c python:app.serving.gunicorn_conf`.

Without MONGO_URL every gunicorn process would open its own embedded in-memory database,
so consecutive calls would land on different data: the image then starts one process.
With MONGO_URL it starts API_WORKERS processes (4 by default), which share MongoDB.
"""

from app.config import load_settings
from app.extensions import logs
from app.serving import server, startup
from app.serving.server import COMMON

# threads, timeout, the worker class, logging, limits (app/serving/server.py)
globals().update(COMMON)
# gunicorn's own lines go to the root logger (app.serving.server.RootLogger): configure it first.
_settings = load_settings()
logs.configure(_settings["LOG_LEVEL"], _settings["LOG_FORMAT"])
bind = "0.0.0.0:3000"
shared_database = bool(_settings["MONGO_URL"])
workers = _settings["API_WORKERS"] if shared_database else 1
wsgi_app = "app:create_app()"


def on_starting(arbiter):
    """In gunicorn's master: refuse to start, in one line, when MONGO_URL cannot be used."""
    server.on_starting(arbiter)
    if shared_database:
        url, timeout_ms = _settings["MONGO_URL"], _settings["MONGO_TIMEOUT_MS"]
        startup.open_database(url, timeout_ms, "api").client.close()
