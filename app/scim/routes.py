"""The /scim/v2 routes (RFC 7644): discovery, Users, and what is not served (Groups, the
root search); every route needs a SCIM bearer token and is rate limited as the REST API's."""

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from app.extensions import ratelimit
from app.extensions.db import get_db
from app.schemas.scim import PatchIn, UserIn
from app.scim import discovery, errors, patch, resources
from app.scim.auth import authenticate
from app.scim.errors import ScimError, answer
from app.scim.fields import fields_of
from app.scim.requests import body, etags, page_of, shown
from app.services import scim_filter, scim_users

PREFIX = "/scim/v2"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
GROUPS = (
    "Groups are not served: Rocket.Chat's roles carry permissions an identity provider must"
    " not hand out, and rooms are not this service's; see docs/scim.md"
)

blp = Blueprint("scim", __name__, url_prefix=PREFIX)
blp.before_request(authenticate)
errors.register(blp)


def route(rule, methods):
    """Register a rate-limited view of the SCIM door."""

    def decorator(view):
        if not hasattr(view, "limited"):  # one limited view per endpoint, however many rules
            view.limited = ratelimit.limited(view)
        blp.add_url_rule(rule, view.__name__, view.limited, methods=methods)
        return view

    return decorator


def _base_url():
    return request.url_root.rstrip("/") + PREFIX


@route("/ServiceProviderConfig", ["GET"])
def service_provider_config():
    """Say what this service provider supports."""
    return answer(discovery.service_provider_config(_base_url()))


@route("/ResourceTypes", ["GET"])
def resource_types():
    """List the resource types served (User)."""
    return _all(discovery.resource_types(_base_url()))


@route("/ResourceTypes/<type_id>", ["GET"])
def resource_type(type_id):
    """Show one resource type."""
    return answer(_one(discovery.resource_types(_base_url()), type_id, "resource type"))


@route("/Schemas", ["GET"])
def schemas():
    """List the schemas served (the User's)."""
    return _all(discovery.schemas(_base_url()))


@route("/Schemas/<schema_id>", ["GET"])
def schema(schema_id):
    """Show one schema."""
    return answer(_one(discovery.schemas(_base_url()), schema_id, "schema"))


def _all(items):
    return answer(resources.listing(items, len(items), 1))


def _one(items, wanted, what):
    found = next((item for item in items if item["id"] == wanted), None)
    if found is None:
        raise ScimError(404, f"no {what} {wanted}")
    return found


@route("/Users", ["GET"])
def list_users():
    """List the users a filter matches, one page (startIndex, count)."""
    start_index, count = page_of(request.args)
    text = request.args.get("filter")
    tree = scim_filter.parse(text) if text else None
    found, total = scim_users.find(get_db(), tree, start_index, count)
    page = [shown(resources.user(f, _base_url())) for f in found]
    return answer(resources.listing(page, total, start_index))


@route("/Users", ["POST"])
def create_user():
    """Create a user (409 uniqueness when the userName or an e-mail is taken)."""
    fields = fields_of(UserIn().load(body()))
    settings = current_app.config
    found, _ = scim_users.create(
        get_db(),
        fields,
        bcrypt_rounds=settings["BCRYPT_ROUNDS"],
        invite=settings["SCIM_INVITE"],
    )
    resource = resources.user(found, _base_url())
    headers = {"Location": resource["meta"]["location"], "ETag": resource["meta"]["version"]}
    return answer(shown(resource), 201, headers)


@route("/Users/<user_id>", ["GET"])
def get_user(user_id):
    """Show one user (304 when If-None-Match holds its version)."""
    resource = resources.user(scim_users.get(get_db(), user_id), _base_url())
    version = resource["meta"]["version"]
    if version in etags("If-None-Match"):
        return current_app.response_class(status=304, headers={"ETag": version})
    return answer(shown(resource), 200, {"ETag": version})


def _current(user_id):
    """Return the user's resource as a PATCH applies to it; 412 when If-Match names
    another version."""
    resource = resources.patchable(scim_users.get(get_db(), user_id), _base_url())
    wanted = etags("If-Match")
    if wanted and "*" not in wanted and resource["meta"]["version"] not in wanted:
        raise ScimError(412, "the user changed since that version (If-Match)")
    return resource


def _options():
    return {"relinquish": current_app.config["SCIM_RELINQUISH_ROOMS"]}


def _updated(found):
    resource = resources.user(found, _base_url())
    return answer(shown(resource), 200, {"ETag": resource["meta"]["version"]})


@route("/Users/<user_id>", ["PUT"])
def replace_user(user_id):
    """Replace a user's attributes with the body's."""
    _current(user_id)
    fields = fields_of(UserIn().load(body()))
    return _updated(scim_users.replace(get_db(), user_id, fields, **_options()))


@route("/Users/<user_id>", ["PATCH"])
def patch_user(user_id):
    """Apply PATCH operations (Okta's and Entra ID's forms) to a user."""
    current = _current(user_id)
    operations = PatchIn().load(body())["Operations"]
    changed, touched = patch.apply(current, operations)
    payload = {k: v for k, v in changed.items() if k not in ("id", "meta", "schemas")}
    fields = fields_of(UserIn().load(payload), touched)
    return _updated(scim_users.replace(get_db(), user_id, fields, **_options()))


@route("/Users/<user_id>", ["DELETE"])
def delete_user(user_id):
    """Deactivate a user as Rocket.Chat does; the id answers 404 from then on."""
    _current(user_id)
    scim_users.delete(get_db(), user_id, **_options())
    return current_app.response_class(status=204)


@route("/Groups", ["GET", "POST"])
@route("/Groups/<group_id>", ["GET", "PUT", "PATCH", "DELETE"])
def groups(group_id=None):
    """Answer 501: Groups are not served (docs/scim.md says why)."""
    raise ScimError(501, GROUPS)


@route("/.search", ["POST"])
def search():
    """Answer 501: searching every resource type at once is not served."""
    raise ScimError(501, "POST /.search is not served: use GET /Users?filter=…")


@route("/<path:rest>", list(METHODS))
def unknown(rest):
    """Answer 404 for a path that names nothing, 405 for a method the path has not."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [m for m in METHODS if _endpoint(adapter, m) not in (None, "scim.unknown")]
    if allowed:
        raise ScimError(405, "method not allowed", headers={"Allow": ", ".join(allowed)})
    raise ScimError(404, f"{PREFIX}/{rest} names nothing")


def _endpoint(adapter, method):
    try:
        return adapter.match(method=method)[0]
    except HTTPException:
        return None
