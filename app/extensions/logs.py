"""Logs: JSON lines carrying the request id or import run id, or short text lines for a person."""

import json
import logging
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, request

from app.context import request_id, run_id

_CONTEXT = {"request_id": request_id, "run_id": run_id}
_HANDLER_NAME = "rc-bulk-import"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context and `fields`."""

    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: var.get() for key, var in _CONTEXT.items() if var.get()})
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """One short line per event: time, level, where from, and the message."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(where)s: %(message)s", "%H:%M:%S")

    def format(self, record):
        # On a terminal the module's own name says enough: "embedded", not "app.extensions.…".
        record.where = (
            record.name.rpartition(".")[2] if record.name.startswith("app.") else record.name
        )
        return super().format(record)


def configure(level, fmt):
    """Send every log line to stderr, once per process, as JSON (or short text lines)."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)


def init_app(app):
    """Configure logging and log one line per request, without headers, bodies or query."""
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(lambda _error: request_id.set(None))


def _start_request():
    incoming = request.headers.get("X-Request-Id", "")
    # Only a short, plain client id is trusted, so a log line cannot be forged through it.
    g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    request_id.set(g.request_id)


def _finish_request(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    user = g.get("user") or {}
    duration_ms = round((time.perf_counter() - g.get("request_started", 0)) * 1000, 2)
    # The client's address is ProxyFix's when HTTP_FORWARDED_COUNT trusts proxies in front.
    logging.getLogger("rc_bulk_import.access").info(
        "%s %s %s %sms from %s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        request.remote_addr,
        extra={
            "fields": {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.get("_id"),
                "client": request.remote_addr,
            }
        },
    )
    return response
