"""The SCIM door as identity providers meet it: `serve` on the wire server, a token from
`scim-token create`, scim2-tester's compliance run, and Okta's and Entra ID's documented
request sequences, checked in the users collection and by logging in."""

import subprocess
import sys
import uuid
from collections import Counter

import pytest
import requests
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.support import factories
from tests.support.processes import COMMAND, serve
from tests.support.scim import ENTERPRISE, PATCH, USER, entra_user, okta_user
from tests.support.wire import free_port

pytestmark = pytest.mark.wire


@pytest.fixture
def db(migrated_wire_db):
    factories.insert_roles(migrated_wire_db)
    factories.insert_permissions(migrated_wire_db)
    factories.insert_user(migrated_wire_db, roles=("admin", "user"), username="admin")
    return migrated_wire_db


@pytest.fixture
def service(db, wire_url, tmp_path):
    """`serve` on the wire database; yield (its base URL, an identity provider's session)."""
    port = free_port()
    api = serve(
        port, tmp_path / "api.log", MONGO_URL=wire_url, IMPORT_WORKER="off", BCRYPT_ROUNDS=4
    )
    created = subprocess.run(
        [COMMAND, "scim-token", "create", "idp", "--bypass-rate-limit"],
        env={"MONGO_URL": wire_url, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    session.headers["Content-Type"] = "application/scim+json; charset=utf-8"
    try:
        yield f"http://127.0.0.1:{port}", session, token
    finally:
        session.close()
        api.stop()
        assert token not in (tmp_path / "api.log").read_text()


def test_scim2_tester_reports_no_failure(service):
    base, _, token = service
    headers = {"Authorization": f"Bearer {token}"}
    with Client(base_url=f"{base}/scim/v2", headers=headers) as client:
        results = check_server(SyncSCIMClient(client))
    counted = Counter(result.status.name for result in results)
    failed = [f"{r.title}: {r.reason}" for r in results if r.status == Status.ERROR]
    passed, skipped = counted["SUCCESS"], counted["SKIPPED"]
    print(f"scim2-tester: {passed} passed, {len(failed)} failed, {skipped} skipped")
    sys.stdout.flush()
    assert failed == [] and counted["SUCCESS"] >= 40


def login(base, username, password):
    with requests.post(f"{base}/api/v1/login", json={"user": username, "password": password}) as r:
        return r


def test_oktas_sequence_creates_updates_deactivates_and_reactivates(service, db):
    base, okta, _ = service
    scim = f"{base}/scim/v2"
    # Test connection, then "does the user exist?" before creating.
    assert okta.get(f"{scim}/Users", params={"startIndex": 1, "count": 2}).status_code == 200
    lookup = {"filter": 'userName eq "Jane.Doe@Example.com"', "startIndex": 1, "count": 100}
    assert okta.get(f"{scim}/Users", params=lookup).json()["totalResults"] == 0
    created = okta.post(f"{scim}/Users", json=okta_user(login="Jane.Doe@Example.com"))
    assert created.status_code == 201
    user_id = created.json()["id"]
    stored = db.users.find_one({"_id": user_id})
    assert stored["username"] == "Jane.Doe" and stored["roles"] == ["user"]
    assert stored["services"]["email2fa"]["enabled"] and "importIds" not in stored
    # Case-insensitive lookup on the wire (Rocket.Chat's collation), then a read.
    lookup["filter"] = 'userName eq "jane.doe@example.com"'
    found = okta.get(f"{scim}/Users", params=lookup).json()
    assert [r["id"] for r in found["Resources"]] == [user_id]
    assert okta.get(f"{scim}/Users/{user_id}").json()["userName"] == "Jane.Doe@Example.com"
    # Profile push (PUT), then the person logs in with the password Okta set.
    changed = okta_user(login="Jane.Doe@Example.com", family="Roe")
    assert okta.put(f"{scim}/Users/{user_id}", json=changed).json()["displayName"] == "Jane Roe"
    assert db.users.find_one({"_id": user_id})["name"] == "Jane Roe"
    assert login(base, "Jane.Doe", "1mz050nq").status_code == 200
    # Deactivation: inactive, signed out, and no login any more; then reactivation.
    off = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    assert okta.patch(f"{scim}/Users/{user_id}", json=off).json()["active"] is False
    stored = db.users.find_one({"_id": user_id})
    assert stored["active"] is False and stored["services"]["resume"]["loginTokens"] == []
    assert login(base, "Jane.Doe", "1mz050nq").status_code == 401
    on = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]}
    assert okta.patch(f"{scim}/Users/{user_id}", json=on).json()["active"] is True
    assert login(base, "Jane.Doe", "1mz050nq").status_code == 200


def test_entras_sequence_with_its_patch_forms(service, db):
    base, entra, _ = service
    scim = f"{base}/scim/v2"
    probe = {"filter": f'userName eq "{uuid.uuid4()}"'}  # Entra's test connection
    assert entra.get(f"{scim}/Users", params=probe).json()["totalResults"] == 0
    body = entra_user()
    lookup = {"filter": f'userName eq "{body["userName"]}"'}
    assert entra.get(f"{scim}/Users", params=lookup).json()["totalResults"] == 0
    created = entra.post(f"{scim}/Users", json=body)
    assert created.status_code == 201 and created.json()["schemas"] == [USER]
    user_id = created.json()["id"]
    assert ENTERPRISE not in created.json()
    assert db.users.find_one({"_id": user_id})["username"] == "Test_User_ab6490ee"
    by_external = {"filter": f'externalId eq "{body["externalId"]}"'}
    assert entra.get(f"{scim}/Users", params=by_external).json()["totalResults"] == 1
    update = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "new@contoso.com"},
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
            {"op": "Add", "path": "displayName", "value": "givenName updatedFamilyName"},
        ],
    }
    assert entra.patch(f"{scim}/Users/{user_id}", json=update).status_code == 200
    stored = db.users.find_one({"_id": user_id})
    assert stored["name"] == "givenName updatedFamilyName"
    assert stored["emails"] == [{"address": "new@contoso.com", "verified": False}]
    by_email = {"filter": 'emails[type eq "work"].value eq "NEW@contoso.com"'}
    assert entra.get(f"{scim}/Users", params=by_email).json()["totalResults"] == 1
    for value, active in (("False", False), ("True", True)):
        op = {
            "schemas": [PATCH],
            "Operations": [{"op": "Replace", "path": "active", "value": value}],
        }
        assert entra.patch(f"{scim}/Users/{user_id}", json=op).json()["active"] is active
        assert db.users.find_one({"_id": user_id})["active"] is active
    assert entra.delete(f"{scim}/Users/{user_id}").status_code == 204
    assert entra.get(f"{scim}/Users/{user_id}").status_code == 404
    stored = db.users.find_one({"_id": user_id})
    assert (
        stored["active"] is False
        and stored["services"].get("resume", {}).get("loginTokens", []) == []
    )
