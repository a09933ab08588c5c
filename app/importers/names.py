"""File names: which ones could escape a folder, and the name Rocket.Chat stores a file under."""

import re
from datetime import UTC, datetime

from app.importers.base import ImportFileError

_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_NAME_CHARS = 255


def escape_reason(name: str) -> str | None:
    """Return why the path `name` could leave its folder or mislead a reader, or None."""
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return "it holds a control character"
    if "\\" in name:
        return "it holds a backslash"
    if name.startswith("/"):
        return "it is an absolute path"
    if _DRIVE.match(name):
        return "it starts with a drive letter"
    if ".." in name.split("/"):
        return "it has a '..' component"
    return None


def check_file_name(name: str) -> str:
    """Return the name to store an uploaded file under, or raise ImportFileError."""
    stored = name.strip()
    reason = escape_reason(stored)
    if not stored or stored == ".":
        reason = "it is empty"
    elif reason is None and "/" in stored:
        reason = "it names a folder"
    elif reason is None and len(stored) > MAX_NAME_CHARS:
        reason = f"it is longer than {MAX_NAME_CHARS} characters"
    if reason:
        raise ImportFileError(
            f"the file name {name!r} is refused: {reason}; send the plain name of the file"
        )
    return stored


def stored_file_name(now: datetime, user_id: str, file_name: str) -> str:
    """Return Rocket.Chat's `<y><month, zero-based><d><h><m><s>_<userId>_<fileName>`, in UTC."""
    # A naive datetime is taken to be UTC already, as the service's clock writes them.
    utc = now.astimezone(UTC) if now.tzinfo else now
    stamp = f"{utc.year}{utc.month - 1}{utc.day}{utc.hour}{utc.minute}{utc.second}"
    return f"{stamp}_{user_id}_{file_name}"
