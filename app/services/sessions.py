"""Log in with a password or a resume token, log out, and describe the caller, as Rocket.Chat."""

import logging
import secrets
from datetime import timedelta

from app.errors import LoginRefused
from app.models import settings, users
from app.services import clock, login_attempts, passwords
from app.services.tokens import hash_token

log = logging.getLogger(__name__)

LOGGED_OUT = "You've been logged out!"
NOT_ACTIVATED = "the user is not activated"

# Rocket.Chat treats a body of only these keys (with a password) as a password login.
_PASSWORD_LOGIN_KEYS = {"user", "username", "email", "password", "code"}
_LOOKUP_FIELDS = {"id": "_id", "username": "username", "email": "emails.address"}
_EXPIRATION_SETTING = "Accounts_LoginExpiration"  # days a login token lasts; Meteor's 90
_SITE_URL_SETTING = "Site_Url"

# Services that are not an identity provider (Rocket.Chat's user service keys): any other
# key under `services` makes an OAuth user.
_OWN_SERVICES = {
    "emailCode",
    "email2fa",
    "totp",
    "resume",
    "password",
    "passwordHistory",
    "cloud",
    "email",
}


def log_in(db, body, fallback_url, ip):
    """Log in with a password or resume login body; return `{userId, authToken, me}`.

    Raise LoginRefused when the credentials do not match, whatever the reason, and
    LoginBlocked when this address or username failed too often (login_attempts).
    """
    user, token = _authenticate(db, body, clock.now(), ip)
    return {"userId": user["_id"], "authToken": token, "me": _info(db, user, fallback_url)}


def _authenticate(db, body, now, ip):
    if body.get("password") is not None and set(body) <= _PASSWORD_LOGIN_KEYS:
        lookup = _lookup_of(body)
        user = _find_user(db, lookup)
        subject = login_attempts.subject_of(user, lookup and lookup[1])
        with login_attempts.guarded(db, ip=ip, subject=subject) as attempt:
            user = _require_allowed(_check_password(user, body["password"]))
            token = secrets.token_urlsafe(32)
            # Only the hash is kept; the token itself is shown once, in the answer.
            login_token = {"when": now, "hashedToken": hash_token(token)}
            users.add_login_token(db, user["_id"], login_token, now)
            attempt.succeeded(user)
        return user, token
    # Rocket.Chat counts every other failed login against the address only.
    with login_attempts.guarded(db, ip=ip, subject={}) as attempt:
        if not (isinstance(body.get("resume"), str) and body["resume"]):
            raise LoginRefused()
        user = _require_allowed(_check_resume_token(db, body["resume"], now))
        users.note_login(db, user["_id"], now)
        attempt.succeeded(user)
    return user, body["resume"]


def _check_password(user, password):
    stored = ((user or {}).get("services") or {}).get("password") or {}
    # An unknown user is checked against no hash: as slow as a wrong password.
    if not passwords.check(password, stored.get("bcrypt")):
        raise LoginRefused()
    return user


def _find_user(db, lookup):
    if lookup is None:
        return None
    field, value = lookup
    return users.find_by_id(db, value) if field == "_id" else users.find_for_login(db, field, value)


def _lookup_of(body):
    # `user` may be a username or an email (it holds an @), or Meteor's {id|username|email}.
    user = body.get("user")
    if isinstance(user, str):
        return ("emails.address" if "@" in user else "username", user)
    if isinstance(user, dict) and len(user) == 1:
        ((key, value),) = user.items()
        return (_LOOKUP_FIELDS[key], value) if key in _LOOKUP_FIELDS and _text(value) else None
    for key in ("username", "email"):
        if body.get(key):
            return (_LOOKUP_FIELDS[key], body[key]) if _text(body[key]) else None
    return None


def _text(value):
    return isinstance(value, str) and value != ""


def _check_resume_token(db, token, now):
    hashed = hash_token(token)
    user = users.find_by_login_token(db, hashed)
    if user is None:
        raise LoginRefused()
    stored = next(t for t in _login_tokens(user) if t.get("hashedToken") == hashed)
    # Personal access tokens have no `when` and never expire, as in Meteor.
    days = settings.value_of(db, _EXPIRATION_SETTING, 90)
    if stored.get("when") and stored["when"] + timedelta(days=_days(days)) <= now:
        raise LoginRefused()
    return user


def _login_tokens(user):
    return ((user.get("services") or {}).get("resume") or {}).get("loginTokens") or []


def _days(value):
    try:
        return float(value) if float(value) > 0 else 90
    except (TypeError, ValueError):
        return 90


def _require_allowed(user):
    # Rocket.Chat's login validation. Like Rocket.Chat since its login error override,
    # the caller only ever learns "Unauthorized"; the operator finds the reason in the log.
    if user.get("type") == "app":
        reason = "app users cannot log in"
    elif not user.get("active"):
        reason = NOT_ACTIVATED
    elif not isinstance(user.get("roles"), list):
        reason = "the user has no roles"
    else:
        return user
    log.info("login refused for user %s: %s", user["_id"], reason)
    raise LoginRefused()


def log_out(db, user_id, token):
    """Forget the token the caller used (whichever kind it is), as Rocket.Chat's logout does."""
    users.remove_login_token(db, user_id, hash_token(token), clock.now())
    return {"message": LOGGED_OUT}


def me(db, user_id, fallback_url):
    """Describe the caller as Rocket.Chat's /me does."""
    return _info(db, users.find_by_id(db, user_id), fallback_url)


def _info(db, user, fallback_url):
    # Avatar URLs are absolute, on the Site_Url setting, as Rocket.Chat builds them.
    return user_info(user, settings.value_of(db, _SITE_URL_SETTING) or fallback_url)


def user_info(user, site_url):
    """Return what Rocket.Chat tells a user about themselves: never a secret."""
    services = user.get("services") or {}
    verified = next((e for e in user.get("emails") or [] if e.get("verified")), None)
    info = {key: value for key, value in user.items() if key not in ("services", "type")}
    if verified:
        info["email"] = verified.get("address")
    info["settings"] = {"profile": {}, "preferences": _preferences(user)}
    info["avatarUrl"] = f"{str(site_url).rstrip('/')}/avatar/{user.get('username')}"
    info["isOAuthUser"] = any(key not in _OWN_SERVICES for key in services)
    info["services"] = _services_info(services)
    return info


def _preferences(user):
    preferences = (user.get("settings") or {}).get("preferences")
    return dict(preferences) if isinstance(preferences, dict) else {}


def _services_info(services):
    info = {}
    for name in ("email2fa", "totp"):
        if (services.get(name) or {}).get("enabled"):
            info[name] = {"enabled": True}
    # Whether a password exists, never its hash.
    info["password"] = {"exists": bool((services.get("password") or {}).get("bcrypt"))}
    return info
