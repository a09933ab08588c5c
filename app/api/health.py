"""/healthz and /readyz for orchestrators; open to anyone, outside the header auth."""

from marshmallow import fields

from app.api.blueprint import Blueprint
from app.extensions.db import get_db
from app.schemas.envelope import SuccessEnvelope
from app.services import health

blp = Blueprint(
    "Health", __name__, authenticated=False, description="Liveness and readiness probes."
)


class HealthOut(SuccessEnvelope):
    """A probe's answer."""

    status = fields.String(required=True, metadata={"example": "ok"})
    reasons = fields.List(fields.String())
    problems = fields.List(
        fields.String(),
        metadata={"description": "no-primary, auth-failed, unreachable or migration-pending"},
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
