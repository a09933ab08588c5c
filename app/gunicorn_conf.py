"""gunicorn's settings for the image's default command (`gunicorn -c python:app.gunicorn_conf`).

Without MONGO_URL every gunicorn process would open its own embedded in-memory database,
so consecutive calls would land on different data: the image then starts one process.
With MONGO_URL it starts API_WORKERS processes (4 by default), which share MongoDB.
"""

import os

bind = "0.0.0.0:3000"
threads = 4
timeout = 60
shared_database = bool(os.environ.get("MONGO_URL"))
workers = int(os.environ.get("API_WORKERS") or 4) if shared_database else 1
wsgi_app = "app:create_app()"
