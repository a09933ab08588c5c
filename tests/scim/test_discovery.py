"""What the door says of itself, and what it answers for what it does not serve."""

import pytest

from app.services import scim_users
from tests.support.scim import ERROR, USER


def test_the_service_provider_config_says_patch_filter_and_etags(idp):
    config = idp.get("/ServiceProviderConfig").json
    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert config["etag"]["supported"] and not config["bulk"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_users_are_the_one_resource_type_with_the_user_schema(idp):
    types = idp.get("/ResourceTypes").json
    assert [t["id"] for t in types["Resources"]] == ["User"] and types["totalResults"] == 1
    assert idp.get("/ResourceTypes/User").json["schema"] == USER
    schema = idp.get(f"/Schemas/{USER}").json
    names = [a["name"] for a in schema["attributes"]]
    assert names == [
        "userName",
        "externalId",
        "name",
        "displayName",
        "emails",
        "active",
        "password",
    ]
    assert idp.get("/Schemas").json["Resources"][0]["id"] == USER


@pytest.mark.parametrize(
    "path", ["/ResourceTypes/Group", "/Schemas/urn:x", "/Nothing", "/Users/x/y"]
)
def test_what_names_nothing_is_a_scim_404(idp, path):
    answer = idp.get(path)
    assert answer.status_code == 404
    assert answer.json["schemas"] == [ERROR] and answer.json["status"] == "404"


def test_a_method_a_path_has_not_is_a_scim_405_naming_the_others(idp):
    answer = idp.call("DELETE", "/Users")
    assert answer.status_code == 405 and answer.json["status"] == "405"
    assert answer.headers["Allow"] == "GET, POST"


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/Groups"), ("POST", "/Groups"), ("PATCH", "/Groups/g1"), ("POST", "/.search")],
)
def test_groups_and_the_root_search_are_501_with_the_reason(idp, method, path):
    answer = idp.call(method, path, json={})
    assert answer.status_code == 501 and answer.json["status"] == "501"
    assert answer.json["detail"]


def test_an_unexpected_error_is_a_scim_500_without_its_text(idp, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(scim_users, "find", boom)
    answer = idp.get("/Users")
    assert answer.status_code == 500
    assert answer.json == {"schemas": [ERROR], "status": "500", "detail": "internal server error"}
