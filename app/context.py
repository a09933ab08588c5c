"""What the current log line is about: a request, or an import run (no Flask here)."""

from contextvars import ContextVar

request_id = ContextVar("request_id", default=None)
run_id = ContextVar("run_id", default=None)
