"""PATCH operations (RFC 7644 §3.5.2) applied to a User's representation, as Okta sends
them (`replace` with a value object, no path) and as Entra ID does (`Replace`, `Add`,
`Remove` with a path, `emails[type eq "work"].value`, booleans as strings).

The result is a whole User again, read by the same schema as a PUT; the paths of attributes
Rocket.Chat has no place for (an enterprise extension's, `title`, …) are ignored, as a POST
ignores those attributes.
"""

import copy
import re

from app.schemas.scim import USER_SCHEMA
from app.scim.errors import ScimError

KEPT = ("username", "externalid", "displayname", "name", "emails", "active", "password")
NAME_PARTS = ("formatted", "givenname", "familyname", "middlename")
_PATH = re.compile(
    r"^(?P<attr>[A-Za-z][\w$-]*)(?:\[(?P<filter>[^\]]*)\])?(?:\.(?P<sub>[A-Za-z][\w$-]*))?$"
)
_EMAIL_FILTER = re.compile(r'^\s*(type|value)\s+eq\s+"([^"]*)"\s*$', re.IGNORECASE)
_URN = re.compile(r"^urn:[^ ]*:", re.IGNORECASE)


def apply(resource, operations):
    """Return (the User once the operations are applied, the attribute names they touched);
    raise ScimError (invalidPath, noTarget, invalidValue) for one that cannot be applied."""
    user = copy.deepcopy(resource)
    touched = set()
    for operation in operations:
        op, path, value = operation["op"], operation.get("path"), operation.get("value")
        if path:
            _at_path(user, op, path, value, touched)
        elif op == "remove":
            raise ScimError(400, "remove needs a path", "noTarget")
        elif isinstance(value, dict):
            for key, item in value.items():
                _at_path(user, op, key, item, touched)
        else:
            raise ScimError(400, f"{op} without a path takes an object value", "invalidValue")
    return user, touched


def _at_path(user, op, path, value, touched):
    plain = path.strip()
    if _URN.match(plain) and not plain.lower().startswith(USER_SCHEMA.lower() + ":"):
        return  # an extension's attribute (enterprise, …): not kept, as in a POST
    plain = plain[len(USER_SCHEMA) + 1 :] if _URN.match(plain) else plain
    match = _PATH.match(plain)
    if not match:
        raise ScimError(400, f"cannot read the path {path!r}", "invalidPath")
    attr, condition, sub = match.group("attr").lower(), match.group("filter"), match.group("sub")
    if attr not in KEPT:
        return
    touched.add(f"{attr}.{sub.lower()}" if sub else attr)
    if attr == "active" and op == "remove":
        raise ScimError(400, "active cannot be removed: every user is active or not", "mutability")
    if attr == "emails":
        _emails(user, op, condition, sub, value)
    elif condition is not None:
        raise ScimError(400, f"{match.group('attr')} is not multi-valued", "invalidPath")
    elif attr == "name" and sub:
        _name_part(user, op, sub, value)
    else:
        _single(user, op, _key(user, attr), value)


def _key(user, attr):
    """The key of an attribute as the User writes it (paths ignore case)."""
    return next((k for k in user if k.lower() == attr), _SPELLING.get(attr, attr))


_SPELLING = {"username": "userName", "externalid": "externalId", "displayname": "displayName"}


def _single(user, op, key, value):
    if op == "remove":
        user.pop(key, None)
    elif key == "name" and isinstance(value, dict):
        user["name"] = {**(user.get("name") or {}), **value} if op == "add" else value
    else:
        user[key] = value


def _name_part(user, op, sub, value):
    name = dict(user.get("name") or {})
    key = next((k for k in name if k.lower() == sub.lower()), sub)
    if sub.lower() not in NAME_PARTS:
        raise ScimError(400, f"name has no sub-attribute {sub!r}", "invalidPath")
    if op == "remove":
        name.pop(key, None)
    else:
        name[key] = value
    user["name"] = name


def _emails(user, op, condition, sub, value):
    emails = list(user.get("emails") or [])
    if condition is None and sub is None:
        values = value if isinstance(value, list) else [value]
        if op == "remove":
            user.pop("emails", None)
        else:
            user["emails"] = (emails if op == "add" else []) + [v for v in values if v]
        return
    if condition is None:
        raise ScimError(
            400, 'emails.<attribute> needs a filter: emails[type eq "work"]', "invalidPath"
        )
    matched = _filtered(emails, condition)
    if op == "remove":
        user["emails"] = [e for e in emails if e not in matched] if sub is None else emails
        return
    if not matched:  # Entra adds the work address through a filtered path
        kind = _EMAIL_FILTER.match(condition).group(2)
        matched = [{"type": kind}]
        emails.insert(0, matched[0])
    # Every address is shown as a work address: a filtered path names the primary one.
    for email in matched[:1] if sub else matched:
        if sub:
            email[sub] = value
        elif isinstance(value, dict):
            email.update(value)
    user["emails"] = emails


def _filtered(emails, condition):
    found = _EMAIL_FILTER.match(condition)
    if not found:
        raise ScimError(400, f"cannot read the filter [{condition}]", "invalidFilter")
    field, wanted = found.group(1).lower(), found.group(2).lower()
    return [e for e in emails if str(e.get(field, "")).lower() == wanted]
