"""Rocket.Chat users shown as SCIM Users (RFC 7643 §4.1), the attributes a request asks for
(`attributes`, `excludedAttributes`, RFC 7644 §3.4.2.5), and their versions (ETags)."""

import hashlib

from app.schemas.fields import format_date
from app.schemas.scim import USER_SCHEMA

LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ALWAYS = ("schemas", "id")  # returned whatever the request asks (returned: always)
_URN_PREFIX = USER_SCHEMA.lower() + ":"


def user(found, base_url):
    """Return the SCIM User of a user and its SCIM record."""
    document, record = found.user, found.record
    resource = {
        "schemas": [USER_SCHEMA],
        "id": document["_id"],
        "userName": record.get("userName") or document.get("username") or document["_id"],
    }
    if record.get("externalId"):
        resource["externalId"] = record["externalId"]
    if document.get("name"):
        resource["name"] = {"formatted": document["name"]}
        resource["displayName"] = document["name"]
    addresses = [e["address"] for e in document.get("emails") or [] if e.get("address")]
    primary = record.get("primaryEmail", True)
    if addresses:
        # Rocket.Chat's first address is the user's own: the primary one.
        resource["emails"] = [
            {"value": a, "type": "work", "primary": i == 0 and primary}
            for i, a in enumerate(addresses)
        ]
    resource["active"] = document.get("active") is True
    resource["meta"] = _meta(document, record, base_url)
    return resource


def patchable(found, base_url):
    """Return the User a PATCH applies to: as shown, with the name parts last sent."""
    resource = user(found, base_url)
    parts = found.record.get("nameParts") or {}
    if parts and "name" in resource:
        resource["name"] = {**parts, **resource["name"]}
    return resource


def _meta(document, record, base_url):
    created = document.get("createdAt") or record.get("createdAt")
    modified = max(d for d in (document.get("_updatedAt"), record.get("updatedAt"), created) if d)
    return {
        "resourceType": "User",
        "created": format_date(created) if created else None,
        "lastModified": format_date(modified) if modified else None,
        "location": f"{base_url}/Users/{document['_id']}",
        "version": version_of(document, record),
    }


def version_of(document, record):
    """Return the weak ETag of a user: it changes whenever the user or its record does."""
    stamp = f"{document.get('_updatedAt')}|{record.get('updatedAt')}|{document['_id']}"
    return f'W/"{hashlib.sha256(stamp.encode()).hexdigest()[:20]}"'


def listing(resources, total, start_index):
    """Return a ListResponse of one page."""
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def names_of(parameter):
    """Return the attribute paths a comma-separated parameter names, lower-cased."""
    paths = [p.strip().lower() for p in (parameter or "").split(",") if p.strip()]
    return [p.removeprefix(_URN_PREFIX) for p in paths]


def select(resource, attributes=(), excluded=()):
    """Return the resource with only the attributes asked for, or without those excluded."""
    if attributes:
        return _only(resource, attributes)
    if excluded:
        return _without(resource, excluded)
    return resource


def _only(resource, paths):
    kept = {}
    for key, value in resource.items():
        name = key.lower()
        if key in ALWAYS or name in paths:
            kept[key] = value
        elif isinstance(value, dict | list):
            subs = [p.split(".", 1)[1] for p in paths if p.startswith(name + ".")]
            if subs:
                kept[key] = _sub(value, subs, keep=True)
    return kept


def _without(resource, paths):
    kept = {}
    for key, value in resource.items():
        name = key.lower()
        if key not in ALWAYS and name in paths:
            continue
        subs = [p.split(".", 1)[1] for p in paths if p.startswith(name + ".")]
        kept[key] = _sub(value, subs, keep=False) if subs and key not in ALWAYS else value
    return kept


def _sub(value, subs, keep):
    def pick(item):
        return {k: v for k, v in item.items() if (k.lower() in subs) == keep}

    return [pick(item) for item in value] if isinstance(value, list) else pick(value)
