"""The HTTP edge: the flask-smorest Api, its blueprints and the OpenAPI document."""

import flask_smorest

from app.api import (
    body,
    docs,
    errors,
    file_import_routes,
    health,
    import_error_routes,
    import_routes,
    import_update_routes,
    info,
    invitation_routes,
    operation_routes,
    session_routes,
    sync_routes,
)
from app.api.blueprint import SECURITY_SCHEMES
from app.schemas import ajv
from app.schemas.envelope import FailureOut

# Generated from the marshmallow schemas; served at /api/v1/openapi.json.
OPENAPI_SETTINGS = {
    "API_TITLE": "Rocket.Chat Bulk User Import (rc-bulk-import)",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": docs.ASSETS_URL,
}

# One blueprint per route module, each an OpenAPI tag, registered in the document's order.
# Each authenticates its callers and rate-limits its routes (app/api/blueprint.py) unless
# it is built `authenticated=False`; the error handlers are the app's, so they see them all.
ROUTE_MODULES = (
    info,
    session_routes,
    import_routes,
    operation_routes,
    import_error_routes,
    import_update_routes,
    file_import_routes,
    invitation_routes,
    sync_routes,
    health,
)
BLUEPRINTS = tuple(module.blp for module in ROUTE_MODULES)


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting Rocket.Chat's error body instead of its own."""

    ERROR_SCHEMA = FailureOut


def init_app(app):
    """Register the blueprints, the docs and the error handlers on app."""
    for key, value in OPENAPI_SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": "A drop-in for Rocket.Chat's routes."}})
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    for field, openapi_type in (
        (ajv.String, "string"),
        (ajv.Number, "number"),
        (ajv.Boolean, "boolean"),
    ):
        api.register_field(field, openapi_type, None)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.assets)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]  # for chunked bodies
    app.before_request(body.reject_oversized_body)
    # After Api(): flask-smorest registers its own HTTPException handler, which these replace.
    errors.register_error_handlers(app)
    return api
