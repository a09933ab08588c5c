"""Bind an import worker to the app; in `thread` mode it runs inside this process."""

import logging

from flask import current_app

from app.services.worker import Worker

log = logging.getLogger(__name__)

_EXTENSION = "rc_bulk_import_worker"


def init_app(app, db):
    """Create the process's worker, and start its thread when IMPORT_WORKER is `thread`."""
    worker = Worker.from_settings(db, app.config)
    app.extensions[_EXTENSION] = worker
    if app.config["IMPORT_WORKER"] == "thread":
        worker.start()
        log.info("import worker %s runs in this process", worker.worker_id)
    return worker


def get_worker():
    """Return the current app's worker (started or not)."""
    return get_worker_of(current_app)


def get_worker_of(app):
    """Return an app's worker, outside of a request."""
    return app.extensions[_EXTENSION]
