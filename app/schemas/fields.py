"""Fields shared by the schemas."""

from datetime import UTC, datetime

from marshmallow import fields


def format_date(value):
    """Format a date as Rocket.Chat does: ISO 8601 UTC, three fraction digits, `Z`."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class RcDate(fields.DateTime):
    """A BSON date, or epoch milliseconds as old Rocket.Chat versions stored `ts`."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = datetime.fromtimestamp(value / 1000, UTC)
        if isinstance(value, datetime):
            return format_date(value)
        return str(value)
