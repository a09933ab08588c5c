"""What the open routes answer: the server's version and its health probes."""

from marshmallow import fields

from app.schemas.envelope import SuccessEnvelope


class InfoOut(SuccessEnvelope):
    """/api/info: the Rocket.Chat version this service answers as."""

    version = fields.String(required=True, metadata={"example": "6.3.0"})


class HealthOut(SuccessEnvelope):
    """A probe's answer."""

    status = fields.String(required=True, metadata={"example": "ok"})
    reasons = fields.List(fields.String())
    problems = fields.List(
        fields.String(),
        metadata={"description": "no-primary, auth-failed, unreachable or migration-pending"},
    )
