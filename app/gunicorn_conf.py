"""gunicorn's settings for the image's default command (`gunicorn -c python:app.gunicorn_conf`).

Without MONGO_URL every gunicorn process would open its own embedded in-memory database,
so consecutive calls would land on different data: the image then starts one process.
With MONGO_URL it starts API_WORKERS processes (4 by default), which share MongoDB.
"""

import os

from app import logs
from app.config import load_settings
from app.server import COMMON

globals().update(COMMON)  # threads, timeout, the worker class, logging, limits (app/server.py)
# gunicorn's own lines go to the root logger (app.server.RootLogger): configure it first.
_settings = load_settings()
logs.configure(_settings["LOG_LEVEL"], _settings["LOG_FORMAT"])
bind = "0.0.0.0:3000"
shared_database = bool(os.environ.get("MONGO_URL"))
workers = int(os.environ.get("API_WORKERS") or 4) if shared_database else 1
wsgi_app = "app:create_app()"
