"""Rocket.Chat user documents built from staged records, under Rocket.Chat's account settings."""

import hashlib
import re
from dataclasses import dataclass

from app.models import settings

METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
METEOR_ID_LENGTH = 17
DEFAULT_ROLES = "Accounts_Registration_Users_Default_Roles"
EMAIL_2FA = "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In"
MANUAL_APPROVAL = "Accounts_ManuallyApproveNewUsers"
ALLOWED_DOMAINS = "Accounts_AllowedDomainsList"
INVALID_DOMAIN = "error-invalid-domain"
_NOT_A_WORD_CHARACTER = re.compile(r"[^A-Za-z0-9_]")  # JavaScript's \W: ASCII only


def user_id_for(operation_id, record_id):
    """Return the 17-character Meteor id of the user a staged record becomes.

    It is derived from the operation and the record, so a run resumed after a crash
    recognizes the users it had already created instead of creating them twice.
    """
    number = int.from_bytes(hashlib.sha256(f"{operation_id}/{record_id}".encode()).digest())
    chars = []
    for _ in range(METEOR_ID_LENGTH):
        number, index = divmod(number, len(METEOR_ALPHABET))
        chars.append(METEOR_ALPHABET[index])
    return "".join(chars)


def parse_roles(value):
    """Return the role ids of a comma-separated setting value, each once, in order."""
    return list(dict.fromkeys(role.strip() for role in str(value or "").split(",") if role.strip()))


def merge_roles(own, defaults):
    """Return a user's roles followed by the default roles, each once."""
    # The user's roles first, then the defaults, each once: whole role names, never letters.
    return list(dict.fromkeys([*(own or []), *defaults]))


@dataclass(frozen=True)
class AccountRules:
    """What Rocket.Chat's settings decide about the users an import creates.

    `file_importer`: Rocket.Chat's file importers create users through its accounts code
    (default roles, manual approval, allowed domains, a name guessed from the username);
    the API importer inserts them directly, with only the roles and the e-mail 2FA.
    """

    default_roles: tuple = ("user",)
    email2fa: bool = True
    manual_approval: bool = False
    allowed_domains: tuple = ()
    file_importer: bool = False

    @classmethod
    def read(cls, db, file_importer=False):
        """Read the rules from `rocketchat_settings` (Rocket.Chat's defaults where unset)."""
        found = settings.values_of(db, (DEFAULT_ROLES, EMAIL_2FA, MANUAL_APPROVAL, ALLOWED_DOMAINS))
        return cls(
            default_roles=tuple(parse_roles(found.get(DEFAULT_ROLES, "user"))),
            email2fa=bool(found.get(EMAIL_2FA, True)),
            manual_approval=bool(found.get(MANUAL_APPROVAL, False)),
            allowed_domains=tuple(parse_roles(found.get(ALLOWED_DOMAINS) or "")),
            file_importer=file_importer,
        )

    def refusal(self, data):
        """Return why Rocket.Chat's accounts code would refuse to create this user, or None."""
        emails = data.get("emails") or []
        if not (self.file_importer and self.allowed_domains and emails):
            return None
        address = str(emails[0])
        # Rocket.Chat compares case-sensitively; domains are not case-sensitive, so neither are we.
        if any(address.lower().endswith(f"@{d.lower()}") for d in self.allowed_domains):
            return None
        return f"{INVALID_DOMAIN}: the domain of {address} is not in {ALLOWED_DOMAINS}"

    def roles_of(self, data):
        """Return a new user's roles: its own (and, for a file, the defaults), else `user`."""
        own = list(data.get("roles") or [])
        roles = merge_roles(own, self.default_roles) if self.file_importer else own
        return roles or ["user"]  # as Rocket.Chat: never a user without a role

    def active_of(self, data):
        """Return whether a new user is active: not deleted, and approved if approval is on."""
        if data.get("deleted") is not None or not self.file_importer:
            return not data.get("deleted")
        return not self.manual_approval


def guess_name(username):
    """Return the display name Rocket.Chat guesses from a username (`billy.bob`: `Billy Bob`)."""
    # JavaScript's \W is ASCII-only and counts UTF-16 code units: one space per unit.
    spaced = _NOT_A_WORD_CHARACTER.sub(lambda m: " " * _utf16_length(m.group()), username)
    capitalised = re.sub(r"\s(.)", lambda m: m.group().upper(), spaced)
    return capitalised[:1].upper() + capitalised[1:]


def _utf16_length(char):
    return 2 if ord(char) > 0xFFFF else 1


def new_user(user_id, data, who, bcrypt_hash, now, rules=AccountRules()):
    """Return the user document Rocket.Chat would create for staged data and its Identity."""
    services = {"password": {"bcrypt": bcrypt_hash}}
    if rules.email2fa:
        services["email2fa"] = {"enabled": True, "changedAt": now}
    user = {
        "_id": user_id,
        "createdAt": now,
        "_updatedAt": now,
        "type": data.get("type") or "user",
        "status": "offline",
        "active": rules.active_of(data),
        "roles": rules.roles_of(data),
        "emails": [{"address": address, "verified": False} for address in who.emails],
        "importIds": who.import_ids,
        "services": services,
    }
    name = data.get("name")
    if rules.file_importer and not name and who.username:
        name = guess_name(who.username)
    optional = {
        "username": who.username,
        "name": name,
        "utcOffset": data.get("utcOffset"),
        "statusText": data.get("statusText"),
        "bio": data.get("bio"),
        "_pendingAvatarUrl": data.get("avatarUrl"),
        "customFields": data.get("customFields"),
        "freeSwitchExtension": data.get("voipExtension"),
    }
    user.update({key: value for key, value in optional.items() if value not in (None, "")})
    return user
