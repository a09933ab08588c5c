"""The OpenAPI document is generated from the schemas, valid, and its docs page is local."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_openapi_documents_import_status_from_the_schemas(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/import.status"]["get"]
    assert operation["security"] == [{"userId": [], "authToken": []}]
    assert operation["x-permission"] == "run-import"
    assert {"200", "401", "403"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    assert set(schemas["OperationOut"]["properties"]) >= {
        "_id",
        "type",
        "importerKey",
        "ts",
        "status",
        "valid",
        "user",
        "_updatedAt",
        "count",
    }
    assert spec["components"]["securitySchemes"]["authToken"]["name"] == "X-Auth-Token"


def test_openapi_is_public(client):
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_docs_page_loads_every_asset_from_this_service(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.get_data(as_text=True))
    assert assets, "the docs page references its assets"
    for asset in assets:
        assert asset.startswith("/api/v1/docs/assets/"), asset
        with client.get(asset) as response:
            assert response.status_code == 200, asset


def test_openapi_documents_the_lifecycle_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for route in ("import.new", "import.addUsers", "import.run", "import.clear"):
        operation = paths[f"/api/v1/{route}"]["post"]
        assert operation["x-permission"] == "run-import"
    body = paths["/api/v1/import.addUsers"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/AddUsersBody"}


def test_the_password_is_documented_as_write_only(client):
    user = client.get("/api/v1/openapi.json").json["components"]["schemas"]["UserIn"]
    assert user["properties"]["password"] == {"type": "string", "nullable": True, "writeOnly": True}
    assert user["properties"]["emails"] == {"type": "array", "items": {"type": "string"}}
    assert user["properties"]["utcOffset"]["type"] == "number"
    assert user["required"] == ["emails", "importIds"]


def test_each_area_of_routes_is_one_tag_with_its_description(client):
    spec = client.get("/api/v1/openapi.json").json
    tags_of = {
        path: operation["tags"]
        for path, operations in spec["paths"].items()
        for operation in operations.values()
    }
    assert tags_of["/api/v1/import.addUsers"] == ["Imports"]
    assert tags_of["/api/v1/import.status"] == ["Operations"]
    assert tags_of["/api/v1/import.errors"] == ["Import errors"]
    assert tags_of["/api/v1/startImport"] == ["File imports"]
    assert tags_of["/api/v1/login"] == ["Sessions"]
    assert tags_of["/healthz"] == ["Health"]
    assert tags_of["/api/info"] == ["Server"]
    assert all(tag["description"] for tag in spec["tags"])


def test_import_new_documents_the_optional_sync_body(client):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/import.new"]["post"]["requestBody"]
    assert body["required"] is False  # a plain import.new sends no body, as Rocket.Chat's
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][ref]["properties"]
    assert properties["mode"]["enum"] == ["sync"]
    assert {"deactivateMissing", "force", "relinquish"} <= set(properties)
