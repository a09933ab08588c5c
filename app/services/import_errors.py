"""The users an import could not create, with the reasons, one page at a time."""

import math

from app.contract.rules import DEFAULT_COUNT, MAX_COUNT
from app.errors import InvalidParams
from app.models import staging


def failed_users(db, offset=None, count=None):
    """Return `{users, count, offset, total}`: a page of failed staged users, in staging order.

    The staging area holds the current operation's records only (import.new and
    import.clear empty it), so these are the current operation's failures.
    """
    offset, count = page_bounds(offset, count)
    page = staging.failed_users(db, offset, count)
    total = staging.count_users(db, failed_only=True)
    return {"users": page, "count": len(page), "offset": offset, "total": total}


def page_bounds(offset, count):
    """Return (offset, count) of a page as Rocket.Chat's listing routes read them."""
    offset = _whole(offset, 0)
    if offset < 0:
        raise InvalidParams("must be >= 0")
    count = _whole(count, DEFAULT_COUNT)
    return offset, min(count if count > 0 else DEFAULT_COUNT, MAX_COUNT)


def _whole(value, default):
    # Like Rocket.Chat's parseInt of the query value (2.9 is 2); absent means the default.
    return default if value is None or not math.isfinite(value) else int(value)
