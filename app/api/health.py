"""/healthz and /readyz for orchestrators; open to anyone, outside the header auth."""

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.server import HealthOut
from app.services import health

blp = Blueprint(
    "Health", __name__, authenticated=False, description="Liveness and readiness probes."
)


@blp.get("/healthz")
@blp.response(200, HealthOut)
def healthz():
    """Tell that the process is alive (nothing else is checked)."""
    return {"status": "ok"}


@blp.get("/readyz")
@blp.response(200, HealthOut)
@blp.alt_response(503, schema=HealthOut, description="Not ready, with the reasons")
def readyz():
    """Tell whether the database answers and every migration is applied, and if not why."""
    problems, reasons = health.readiness(get_db())
    if not problems:
        return {"status": "ready"}
    return {"status": "unavailable", "problems": problems, "reasons": reasons}, 503
