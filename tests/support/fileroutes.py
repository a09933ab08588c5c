"""Helpers of the file importers' route tests: import.status checked against Rocket.Chat's
published schema, uploads in each form, and the users an import created."""

import base64
import json

import jsonschema

from tests.support import paths

GOLDEN = json.loads((paths.GOLDEN / "import.status.openapi.json").read_text())
STATUS_SCHEMA = GOLDEN["paths"]["/api/v1/import.status"]["get"]["responses"]["200"]["content"][
    "application/json"
]["schema"]


def checked_status(answer):
    """Validate an import.status body against the published schema; return it."""
    jsonschema.validate(answer, STATUS_SCHEMA)
    return answer


def status(caller):
    """import.status through a test-client caller, checked against the published schema."""
    response = caller.get("import.status")
    assert response.status_code == 200
    return checked_status(response.json)


def upload_body(content, importer="csv", name="export.zip", content_type="application/zip"):
    """Return Rocket.Chat's uploadImportFile JSON body for a file."""
    return {
        "binaryContent": base64.b64encode(content).decode(),
        "contentType": content_type,
        "fileName": name,
        "importerKey": importer,
    }


def upload_json(caller, content, importer="csv", name="export.zip"):
    """POST uploadImportFile with the base64 JSON body."""
    return caller.post("uploadImportFile", json=upload_body(content, importer, name))


def imported(db):
    """The usernames of the users an import created, sorted."""
    return sorted(u["username"] for u in db.users.find({"importIds": {"$exists": True}}))
