"""The bodies of a sync: import.new's sync options, import.plan's query and answer."""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.contract import sync
from app.schemas import ajv
from app.schemas.envelope import SuccessEnvelope


class SyncNewBody(ajv.AjvSchema):
    """import.new in sync mode: `{mode: "sync", deactivateMissing?, force?, relinquish?,
    includeNotImported?}`; without `mode`, import.new is Rocket.Chat's and reads no body."""

    mode = ajv.String(required=True, validate=validate.Equal(sync.MODE))
    deactivateMissing = ajv.Boolean(
        metadata={"description": "Deactivate the imported users the list leaves out"}
    )
    force = ajv.Boolean(metadata={"description": "Run even if over SYNC_MAX_DEACTIVATE_PERCENT"})
    relinquish = ajv.Boolean(
        metadata={"description": "Hand the rooms of a deactivated last owner over"}
    )
    includeNotImported = ajv.Boolean(
        metadata={"description": "Users without importIds may be deactivated too"}
    )


class PlanQuery(ajv.AjvSchema):
    """`offset`, `count` and `action` (one of a plan's actions) query parameters."""

    class Meta:
        unknown = EXCLUDE

    offset = ajv.Number(metadata={"description": "Entries to skip (default 0)"})
    count = ajv.Number(metadata={"description": "Entries per page (default 50, at most 100)"})
    action = ajv.String(metadata={"description": f"Only entries of: {', '.join(sync.ACTIONS)}"})


class PlanCountsOut(Schema):
    """How many entries of each action the plan holds."""

    create = fields.Integer(required=True)
    update = fields.Integer(required=True)
    deactivate = fields.Integer(required=True)
    reactivate = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    refused = fields.Integer(required=True)


class ChangesField(fields.Field):
    """An entry's changes, stored `[[field, old, new]]`, shown `{field: {old, new}}`."""

    def _serialize(self, value, attr, obj, **kwargs):
        return {name: {"old": old, "new": new} for name, old, new in value or []}


class PlanEntryOut(Schema):
    """One action of the plan: whom it is about, what changes, why it is refused."""

    action = fields.String(required=True, metadata={"example": "update"})
    username = fields.String(allow_none=True)
    importIds = fields.List(fields.String())
    userId = fields.String(metadata={"description": "The user matched (or to be created)"})
    missing = fields.Boolean(metadata={"description": "Not in the list (deactivateMissing)"})
    changes = ChangesField(metadata={"example": {"name": {"old": "Ann", "new": "Ann Lee"}}})
    reason = fields.String(metadata={"description": "Why it is refused"})
    done = fields.Boolean(metadata={"description": "Carried out (or nothing to do)"})
    error = fields.String(allow_none=True, metadata={"description": "Why the run failed it"})


class SyncPlanOut(Schema):
    """A plan: counts per action, one page of entries, and why import.run would refuse it."""

    counts = fields.Nested(PlanCountsOut, required=True)
    activeUsers = fields.Integer(metadata={"description": "Active users, bots and apps aside"})
    maxDeactivatePercent = fields.Float()
    overLimit = fields.String(metadata={"description": "Why import.run refuses it (unforced)"})
    entries = fields.List(fields.Nested(PlanEntryOut), required=True)
    total = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    count = fields.Integer(required=True)


class SyncProgressOut(Schema):
    """What the run has done so far."""

    created = fields.Integer()
    updated = fields.Integer()
    deactivated = fields.Integer()
    reactivated = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()


class PlanAnswerOut(SuccessEnvelope):
    """import.plan: the current sync's plan, and the run's progress once it started."""

    plan = fields.Nested(SyncPlanOut, required=True)
    progress = fields.Nested(SyncProgressOut, allow_none=True)
