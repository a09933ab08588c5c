"""What a SCIM request asks beside its route: its JSON body, its page, the attributes it
wants shown, and the versions it names."""

from flask import request

from app.api.body import parse_json
from app.errors import InvalidParams
from app.scim import resources
from app.scim.discovery import MAX_RESULTS
from app.scim.errors import ScimError


def body():
    """Return the request's JSON object; 400 invalidSyntax otherwise."""
    try:
        value = parse_json(request.get_data(cache=True))
    except InvalidParams:
        raise ScimError(400, "the body is not JSON", "invalidSyntax") from None
    if not isinstance(value, dict):
        raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
    return value


def page_of(args):
    """Return (startIndex, count): 1-based, count at most MAX_RESULTS (RFC 7644 §3.4.2.4:
    below 1 is 1, a negative count is 0)."""
    start, count = _whole(args, "startIndex", 1), _whole(args, "count", MAX_RESULTS)
    return max(start, 1), min(max(count, 0), MAX_RESULTS)


def _whole(args, name, default):
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ScimError(400, f"{name} must be a whole number", "invalidValue") from None


def shown(resource):
    """Return the resource with the attributes the request asks for (or does not)."""
    attributes = resources.names_of(request.args.get("attributes"))
    excluded = resources.names_of(request.args.get("excludedAttributes"))
    return resources.select(resource, attributes, excluded)


def etags(header):
    """Return the entity tags an If-Match or If-None-Match header names."""
    value = request.headers.get(header, "")
    return [tag.strip() for tag in value.split(",") if tag.strip()]
