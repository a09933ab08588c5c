"""The bodies of login, logout and me."""

from marshmallow import INCLUDE, Schema, fields

from app.models.users import PROFILE_FIELDS
from app.schemas.envelope import SuccessEnvelope
from app.schemas.fields import RcDate


class LoginBody(Schema):
    """login: `user`/`username`/`email` and `password`, or `resume`; JSON or form-encoded."""

    class Meta:
        # Rocket.Chat reads any body; what it cannot use is a failed login (401), not a 400.
        unknown = INCLUDE

    user = fields.Raw(metadata={"description": "A username, or an email when it holds an @"})
    username = fields.Raw()
    email = fields.Raw()
    password = fields.Raw(
        load_only=True,
        metadata={"description": "The password, or Meteor's {digest, algorithm: 'sha-256'}"},
    )
    resume = fields.Raw(load_only=True, metadata={"description": "A login token to reuse"})
    code = fields.Raw(load_only=True, metadata={"description": "Ignored: no two-factor codes"})


class EmailOut(Schema):
    """One of the user's addresses."""

    address = fields.String()
    verified = fields.Boolean()


class EnabledOut(Schema):
    """A second factor that is switched on."""

    enabled = fields.Boolean()


class PasswordExistsOut(Schema):
    """Whether the user has a password: never the hash."""

    exists = fields.Boolean()


class ServicesOut(Schema):
    """What the user may know of their own services."""

    email2fa = fields.Nested(EnabledOut)
    totp = fields.Nested(EnabledOut)
    password = fields.Nested(PasswordExistsOut)


# How each of the user's own fields is answered; which fields, and in what order, is
# users.PROFILE_FIELDS (the projection that reads them), so the two cannot disagree.
_PROFILE_TYPES = {
    "name": fields.String,
    "username": fields.String,
    "nickname": fields.String,
    "emails": lambda: fields.List(fields.Nested(EmailOut)),
    "status": fields.String,
    "statusDefault": fields.String,
    "statusText": fields.String,
    "statusConnection": fields.String,
    "bio": fields.String,
    "avatarOrigin": fields.String,
    "utcOffset": lambda: fields.Raw(metadata={"type": "number"}),
    "language": fields.String,
    "settings": fields.Dict,
    "enableAutoAway": fields.Boolean,
    "idleTimeLimit": lambda: fields.Raw(metadata={"type": "number"}),
    "roles": lambda: fields.List(fields.String()),
    "active": fields.Boolean,
    "defaultRoom": fields.String,
    "customFields": fields.Dict,
    "requirePasswordChange": fields.Boolean,
    "requirePasswordChangeReason": fields.String,
    "statusLivechat": fields.String,
    "banners": fields.Dict,
    "_updatedAt": RcDate,
    "avatarETag": fields.String,
    "openBusinessHours": lambda: fields.List(fields.String()),
}

UserInfoOut = Schema.from_dict(
    {
        "_id": fields.String(metadata={"example": "CH5vFudEketQswdDS"}),
        **{name: _PROFILE_TYPES[name]() for name in PROFILE_FIELDS},
        "email": fields.String(metadata={"description": "The first verified address"}),
        "avatarUrl": fields.String(),
        "isOAuthUser": fields.Boolean(),
        "services": fields.Nested(ServicesOut),
    },
    name="UserInfoOut",
)
UserInfoOut.__doc__ = (
    "The user as Rocket.Chat describes them to themselves; fields they lack are left out."
)


class LoginDataOut(Schema):
    """The credentials a login created (or resumed), and who they belong to."""

    userId = fields.String(required=True)
    authToken = fields.String(required=True, metadata={"description": "Shown once, never stored"})
    me = fields.Nested(UserInfoOut, required=True)


class LoginOut(SuccessEnvelope):
    """login: `{status: 'success', data: {userId, authToken, me}, success: true}`."""

    status = fields.String(required=True, metadata={"example": "success"})
    data = fields.Nested(LoginDataOut, required=True)


class MessageOut(Schema):
    """A message for the user."""

    message = fields.String(required=True, metadata={"example": "You've been logged out!"})


class LogoutOut(Schema):
    """logout: `{status: 'success', data: {message}}` (Rocket.Chat adds no `success` here)."""

    status = fields.String(required=True, metadata={"example": "success"})
    data = fields.Nested(MessageOut, required=True)


class MeOut(UserInfoOut, SuccessEnvelope):
    """me: the caller as UserInfoOut, and `success: true`."""
