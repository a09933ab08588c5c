"""Is the service able to serve: the database answers and our migrations are applied."""

from app.models import connection
from app.services import migrations

PING_TIMEOUT_SECONDS = 2


def readiness(db):
    """Return (ready, reasons): why the service cannot serve yet, if it cannot."""
    if not connection.ping(db, PING_TIMEOUT_SECONDS):
        return False, ["the database cannot be reached"]
    waiting = [f"migration {number:04d} not applied" for number, _ in migrations.pending(db)]
    return not waiting, waiting
