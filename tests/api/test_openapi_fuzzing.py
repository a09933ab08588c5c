"""schemathesis against our own OpenAPI document: no 5xx, no response that breaks its schema."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from app.extensions.db import get_db
from tests.support import factories
from tests.support.apps import make_app

APP = make_app(SEED_DEMO=True, LOG_LEVEL="CRITICAL")
with APP.app_context():
    ADMIN, TOKEN = factories.insert_user(get_db(), roles=("admin", "user"))
HEADERS = {"X-User-Id": ADMIN["_id"], "X-Auth-Token": TOKEN}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_answers_within_its_documented_schema(case):
    case.call_and_validate(
        headers=HEADERS,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
