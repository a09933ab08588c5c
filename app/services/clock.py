"""Time as MongoDB keeps it."""

from datetime import UTC, datetime


def now():
    """Return the current time as naive UTC truncated to milliseconds, as BSON stores it."""
    value = datetime.now(UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)
