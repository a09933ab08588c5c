"""Is the service able to serve: the database answers and our migrations are applied."""

from app.models import connection
from app.services import migrations

PING_TIMEOUT_SECONDS = 2
MIGRATION_PENDING = "migration-pending"
# How /readyz words each problem of the database, before the host and the cause.
_WORDING = {
    connection.UNREACHABLE: "the database cannot be reached",
    connection.AUTH_FAILED: "the database refuses our credentials",
    connection.NO_PRIMARY: "the database has no primary",
}


def readiness(db):
    """Return (problems, reasons): the kind of each problem and a line on each; none: ready."""
    problem = connection.check(db, PING_TIMEOUT_SECONDS)
    if problem is not None:
        return [problem.kind], [f"{_WORDING[problem.kind]}: {problem.host}: {problem.reason}"]
    waiting = [f"migration {number:04d} not applied" for number, _ in migrations.pending(db)]
    return [MIGRATION_PENDING] if waiting else [], waiting
