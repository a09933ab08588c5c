"""The bulk-import-server command: seed a real database, refuse to overwrite, fail loudly."""

import pymongo
import pytest

from app import close_app
from app.fixtures import DEMO_CREDENTIALS
from tests.support.apps import make_app, run_server_command


def counts(url):
    with pymongo.MongoClient(url) as client:
        db = client.get_default_database()
        return {name: db[name].count_documents({}) for name in db.list_collection_names()}


def test_seed_needs_mongo_url():
    result = run_server_command(["seed"])
    assert result.exit_code == 2
    assert "MONGO_URL is not set: seed works on a real MongoDB" in result.output


@pytest.mark.wire
def test_seed_loads_the_demo_into_a_real_database(wire_url):
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    assert "users=3" in result.output
    app = make_app(MONGO_URL=wire_url)
    admin = DEMO_CREDENTIALS[0]
    headers = {"X-User-Id": admin["user_id"], "X-Auth-Token": admin["token"]}
    response = app.test_client().get("/api/v1/import.status", headers=headers)
    assert response.json["state"] == "done"
    close_app(app)


@pytest.mark.wire
def test_seeding_twice_is_harmless(wire_url):
    assert run_server_command(["seed"], MONGO_URL=wire_url).exit_code == 0
    before = counts(wire_url)
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 0
    assert "nothing written" in result.output
    assert counts(wire_url) == before


@pytest.mark.wire
def test_a_database_that_refuses_the_documents_is_named_with_its_reason(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        # A validator of the administrator's own that no Rocket.Chat user satisfies.
        validator = {"$jsonSchema": {"required": ["departmentCode"]}}
        client.get_default_database().create_collection("users", validator=validator)
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 2, result.output
    assert "refused the restore (an index or a document of the dump)" in result.output
    assert counts(wire_url)["users"] == 0


@pytest.mark.wire
def test_seed_refuses_to_overwrite_and_writes_nothing(wire_url):
    assert run_server_command(["seed"], MONGO_URL=wire_url).exit_code == 0
    with pymongo.MongoClient(wire_url) as client:
        client.get_default_database().rocketchat_roles.delete_one({"_id": "guest"})
    before = counts(wire_url)
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.output
    assert "users: 3 (first: " in result.output
    assert "rocketchat_roles: 8 (first: " in result.output
    assert counts(wire_url) == before


@pytest.mark.wire
def test_seed_of_a_malformed_export_writes_nothing(wire_url, tmp_path):
    (tmp_path / "users.json").write_text('{"_id": "a"}\n')
    (tmp_path / "rocketchat_roles.json").write_text('{"_id": "a"}\n{oops\n')
    result = run_server_command(["seed", "--export", str(tmp_path)], MONGO_URL=wire_url)
    assert result.exit_code == 2
    assert "rocketchat_roles.json:2" in result.output
    assert counts(wire_url) == {}


def test_serve_refuses_a_malformed_export(tmp_path):
    (tmp_path / "users.json").write_text("not json\n")
    result = run_server_command(["serve", "--export", str(tmp_path)])
    assert result.exit_code == 2
    assert "users.json:1" in result.output and "not starting" in result.output
