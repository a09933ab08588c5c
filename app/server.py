"""`bulk-import-server serve` on gunicorn: one worker process, with threads.

One process, because the embedded database (mongomock) lives in the memory of the process
that builds the app, as does the import worker thread: the app is built in gunicorn's worker,
never in its master, so that neither is left behind on the other side of a fork. The other
flags are the compose file's (`--threads=4 --timeout=60`).

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


class Server(BaseApplication):
    """gunicorn serving the app that `build_app` returns, built in the worker process."""

    def __init__(self, build_app, host, port):
        self._build_app, self._bind = build_app, f"{host}:{port}"
        super().__init__()

    def load_config(self):
        """Set the options: one gthread worker, the compose file's flags otherwise."""
        options = {
            "bind": [self._bind],
            "workers": 1,
            "worker_class": StoppableWorker,
            "threads": THREADS,
            "timeout": TIMEOUT_SECONDS,
            "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
            "logger_class": RootLogger,
            "accesslog": None,
            "worker_exit": _release_app,
            **LIMITS,
        }
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn 25.1+ opens a control socket in $HOME, shared by every instance.
            options["control_socket_disable"] = True
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self):
        """Build the app (in the worker process, once)."""
        return self._build_app()


def _release_app(server, worker):
    # Runs in the worker as it exits, however it was told to stop.
    from app import close_app

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        close_app(app)
        log.info("stopped: requests in flight and the import batch in progress finished")


def run(build_app, host, port):
    """Serve until SIGTERM or SIGINT."""
    if hasattr(wsgi, "SERVER"):
        wsgi.SERVER = SERVER_HEADER
    Server(build_app, host, port).run()
