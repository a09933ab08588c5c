"""The bodies of import.invite, import.invitations and import.invitations.cancel (ours)."""

from marshmallow import EXCLUDE, Schema, fields
from marshmallow.validate import OneOf

from app.contract.invitations import JOB_STATUSES, REPORTED_STATES, SKIP_REASONS
from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope
from app.schemas.fields import RcDate

MAX_USERNAMES = 10_000  # import.addUsers' default limit of one call
_ID = ajv.String(max_length=64, metadata={"description": "Default: the latest finished one"})


class InviteBody(ajv.AjvSchema):
    """import.invite: which operation, which of its users, and whether to mail again."""

    operationId = _ID
    users = ajv.Array(
        ajv.String(max_length=2048),
        max_items=MAX_USERNAMES,
        metadata={"description": "Usernames; default: every user the operation created"},
    )
    resend = ajv.Boolean(metadata={"description": "Mail those already sent again (new link)"})


class InviteOut(SuccessEnvelope):
    """import.invite: how many invitations were queued, and why the others were not."""

    operationId = fields.String(required=True)
    queued = fields.Integer(required=True)
    skipped = fields.Dict(
        keys=fields.String(validate=OneOf(list(SKIP_REASONS))),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Reason (" + ", ".join(SKIP_REASONS) + ") -> people"},
    )


class InvitationsQuery(ajv.AjvSchema):
    """import.invitations: the operation, a page, and a state to keep only."""

    class Meta:
        unknown = EXCLUDE  # as Rocket.Chat's paginated routes, other keys are ignored

    operationId = _ID
    offset = ajv.Number(metadata={"description": "Invitations to skip (default 0)"})
    count = ajv.Number(metadata={"description": "Per page (default 50, at most 100)"})
    state = ajv.String(metadata={"enum": list(REPORTED_STATES)})


class InvitationOut(Schema):
    """One person's invitation: never its token or link."""

    userId = fields.String(required=True)
    username = fields.String(allow_none=True)
    name = fields.String()
    email = fields.String()
    state = fields.String(required=True, metadata={"enum": list(REPORTED_STATES)})
    reason = fields.String(
        metadata={"description": "failed: the SMTP server's words; skipped: a skip reason"}
    )
    attempts = fields.Integer(metadata={"description": "Temporary failures so far"})
    nextAttemptAt = RcDate(metadata={"description": "queued: not sent before this time"})
    queuedAt = RcDate()
    sentAt = RcDate()
    updatedAt = RcDate(attribute="_updatedAt", data_key="_updatedAt")


class CountsOut(Schema):
    """How many people are in each state."""

    queued = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    skipped = fields.Integer(required=True)


class InvitationsOut(SuccessEnvelope):
    """import.invitations: one page of people, the counts by state, and the job's status."""

    operationId = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(JOB_STATUSES)})
    counts = fields.Nested(CountsOut, required=True)
    invitations = fields.List(fields.Nested(InvitationOut), required=True)
    count = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    total = fields.Integer(required=True)


class CancelBody(ajv.AjvSchema):
    """import.invitations.cancel: which operation's invitations to stop."""

    operationId = _ID


class CancelOut(SuccessEnvelope):
    """import.invitations.cancel: the operation whose invitations stop."""

    operationId = fields.String(required=True)
