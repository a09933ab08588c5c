"""Existing Rocket.Chat clients work unchanged: the PyPI client `rocketchat-api`, over HTTP."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from tests.support import factories


def test_rocketchat_api_client_reads_import_status(live_url, db, admin):
    factories.insert_operation(db, status="importer_user_selection", count={"total": 2, "users": 2})
    rocket = RocketChat(user_id=admin.user["_id"], auth_token=admin.token, server_url=live_url)
    body = rocket.call_api_get("import.status")
    assert body["state"] == "ready"
    assert body["operation"]["count"] == {"total": 2, "users": 2}
    assert body["success"] is True


def test_rocketchat_api_client_raises_on_a_wrong_token(live_url, admin):
    rocket = RocketChat(user_id=admin.user["_id"], auth_token="wrong", server_url=live_url)
    with pytest.raises(RocketApiException) as raised:
        rocket.call_api_get("import.status")
    assert raised.value.status_code == 401
