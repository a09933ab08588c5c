"""Signs that a dump went through a terminal (`docker exec -t`): CRLFs and log lines mixed in."""

import re

from app.dumps.errors import DumpError
from app.dumps.source import open_file

_SAMPLE_BYTES = 4 * 1024 * 1024
_MIN_CRLF = 4
# mongodump's log lines: `2025-03-01T10:00:00.123+0000	writing rocketchat.users to archive`
_LOG_LINE = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s")
HINT = (
    "this looks like terminal output mixed into the dump (`docker exec -t` turns every "
    "\\n byte into \\r\\n and adds mongodump's log lines to the data): make it again "
    "without -t: docker exec <container> sh -c 'mongodump --archive' > db.dump"
)


def signs(path):
    """Tell whether the first bytes of a file look like a stream through a terminal."""
    try:
        with open_file(path) as stream:
            sample = stream.read(_SAMPLE_BYTES)
    except (DumpError, OSError):
        return False
    crlf = sample.count(b"\r\n")
    translated = crlf >= _MIN_CRLF and sample.count(b"\n") == crlf
    return translated or bool(_LOG_LINE.search(sample))


def with_hint(error, path):
    """Return the error, with the terminal hint added when the file shows its signs."""
    if signs(path):
        return DumpError(f"{error}; {HINT}")
    return error


def log_line_at(head):
    """Return the offset of a mongodump log line in the first bytes of a file, or None."""
    match = _LOG_LINE.search(head)
    return match.start() if match else None
