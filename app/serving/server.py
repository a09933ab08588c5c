"""gunicorn as the service runs it: `bulk-import-server serve`, and the image (gunicorn_conf).

`serve` runs one worker process, with threads, because the embedded database (mongomock)
lives in the memory of the process that builds the app, as does the import worker thread:
the app is built in gunicorn's worker, never in its master, so that neither is left behind
on the other side of a fork. The other settings (COMMON) are the image's and compose's.

Stopping: SIGTERM (or Ctrl-C) makes gunicorn stop accepting connections and finish the
requests in flight; then `close_app` lets the import worker finish the batch it is on.
"""

import logging

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

THREADS = 4
TIMEOUT_SECONDS = 60
# The longest a stop waits for requests in flight and the batch in progress.
GRACEFUL_TIMEOUT_SECONDS = 30
# gunicorn's defaults, named here because the README documents them: a request line of at
# most 4094 bytes, at most 100 header fields of at most 8190 bytes each (larger: 400/431).
LIMITS = {"limit_request_line": 4094, "limit_request_fields": 100, "limit_request_field_size": 8190}
# Rocket.Chat sends no Server header; gunicorn always sends one, so it names the service
# rather than the server software (and never a version).
SERVER_HEADER = "rc-bulk-import"

log = logging.getLogger(__name__)


def on_starting(server):
    """In gunicorn's master, before any worker is forked: name the service in `Server`."""
    if hasattr(wsgi, "SERVER"):
        wsgi.SERVER = SERVER_HEADER


class RootLogger(Logger):
    """gunicorn's own lines (startup, worker boots, errors) go to the root logger, so that
    they come out in LOG_FORMAT like every other line; the app writes the access log."""

    def setup(self, cfg):
        """Drop the handlers gunicorn installs and let its lines propagate."""
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
        self.error_log.propagate = True


class StoppableWorker(ThreadWorker):
    """gunicorn's gthread worker, told to stop by a flag alone.

    Its own signal handlers take locks (the thread pool's, the callback queue's) that the
    main thread may be holding when the signal lands, and then hang until the master kills
    the worker; the event loop sees the flag within a second instead. Ctrl-C (SIGINT, or
    the master's SIGQUIT) stops as gracefully as SIGTERM: requests in flight are answered.
    """

    def handle_exit(self, sig, frame):
        """SIGTERM: stop after the requests in flight."""
        self.alive = False

    def handle_quit(self, sig, frame):
        """SIGINT or SIGQUIT: the same."""
        self.alive = False


def _release_app(server, worker):
    # Runs in the worker as it exits, however it was told to stop.
    from app import close_app

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        close_app(app)
        log.info("stopped: requests in flight and the import batch in progress finished")


# Every gunicorn setting of ours but the address and the number of workers.
COMMON = {
    "worker_class": StoppableWorker,
    "threads": THREADS,
    "timeout": TIMEOUT_SECONDS,
    "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
    "logger_class": RootLogger,
    "accesslog": None,  # the app writes its own access line, without query or secrets
    "on_starting": on_starting,
    "worker_exit": _release_app,
    # gunicorn 25.1+ opens a control socket in $HOME, shared by every instance; older
    # versions do not know the setting and skip it.
    "control_socket_disable": True,
    **LIMITS,
}


class Server(BaseApplication):
    """gunicorn serving the app that `build_app` returns, built in the worker process."""

    def __init__(self, build_app, host, port):
        self._build_app, self._bind = build_app, f"{host}:{port}"
        super().__init__()

    def load_config(self):
        """Set the options: one gthread worker, the compose file's flags otherwise."""
        options = {**COMMON, "bind": [self._bind], "workers": 1}
        for name, value in options.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self):
        """Build the app (in the worker process, once)."""
        return self._build_app()


def run(build_app, host, port):
    """Serve until SIGTERM or SIGINT."""
    Server(build_app, host, port).run()
