"""The existing users a file import updated, and the names of the fields it changed."""

from app.models import import_operations, user_updates
from app.services.import_errors import page_bounds


def updated_users(db, offset=None, count=None):
    """Return `{users, count, offset, total}`: a page of the current operation's updated
    users, in staging order, each with the fields changed and what was kept, never a value."""
    offset, count = page_bounds(offset, count)
    operation = import_operations.current(db)
    if operation is None:
        return {"users": [], "count": 0, "offset": offset, "total": 0}
    page = user_updates.page(db, operation["_id"], offset, count)
    total = user_updates.count(db, operation["_id"])
    return {"users": page, "count": len(page), "offset": offset, "total": total}
