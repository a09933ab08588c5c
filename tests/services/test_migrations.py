"""Migrations: numbered, recorded, idempotent, and harmless on a real Rocket.Chat database."""

import bson
import pymongo
import pytest

from app.models import connection
from app.services import migrations
from tests.support import factories


def everything(db):
    """Every document as BSON bytes, and every index, of every collection."""
    return {
        name: (
            sorted(bson.encode(doc) for doc in db[name].find()),
            sorted(str(sorted(i.items())) for i in db[name].list_indexes()),
        )
        for name in db.list_collection_names()
    }


@pytest.fixture
def empty():
    return connection.embedded()


def test_migrations_are_numbered_in_order():
    numbers = [number for number, _ in migrations.available()]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert all(module.NAME and callable(module.up) for _, module in migrations.available())


def test_a_fresh_database_gets_every_migration_recorded(empty):
    applied = migrations.migrate(empty)
    assert applied == [n for n, _ in migrations.available()]
    assert {doc["_id"] for doc in empty.bulkimport_migrations.find()} == set(applied)
    assert migrations.pending(empty) == []
    assert "migrations" not in empty.list_collection_names()


def test_a_second_run_does_nothing(empty):
    migrations.migrate(empty)
    before = everything(empty)
    assert migrations.migrate(empty) == []
    assert everything(empty) == before


def test_they_seed_the_permissions_and_roles_the_routes_check(empty):
    migrations.migrate(empty)
    roles = {p["_id"]: p["roles"] for p in empty.rocketchat_permissions.find()}
    assert roles == {
        "run-import": ["admin"],
        "view-import-operations": ["admin"],
        "api-bypass-rate-limit": ["admin", "bot", "app"],
    }
    assert {"admin", "user", "bot", "app"} <= {r["_id"] for r in empty.rocketchat_roles.find()}


def rocketchat_database(db):
    """A database as Rocket.Chat leaves it: its documents, its indexes, other roles."""
    factories.insert_permissions(
        db, {"run-import": ["admin", "importer"], "view-import-operations": ["auditor"]}
    )
    factories.insert_roles(db, ("admin", "user", "importer"))
    factories.create_rocketchat_user_indexes(db)
    factories.insert_user(db, roles=("admin",), username="root")
    factories.insert_operation(db, status="importer_done")
    db.rocketchat_import.create_index([("ts", -1)])
    db.rocketchat_import_data.create_index([("dataType", 1)])
    db.migrations.insert_one({"_id": "control", "version": 300, "locked": False})


def test_existing_rocket_chat_documents_stay_byte_identical(empty):
    rocketchat_database(empty)
    before = everything(empty)
    migrations.migrate(empty)
    after = everything(empty)
    existing = {name: set(docs) for name, (docs, _) in before.items()}
    for name, docs in existing.items():
        assert docs <= set(after[name][0]), f"{name}: an existing document changed"
    assert after["migrations"] == before["migrations"]


def test_only_missing_permissions_are_added(empty):
    rocketchat_database(empty)
    migrations.migrate(empty)
    roles = {p["_id"]: p["roles"] for p in empty.rocketchat_permissions.find()}
    assert roles["run-import"] == ["admin", "importer"]
    assert roles["view-import-operations"] == ["auditor"]
    assert roles["api-bypass-rate-limit"] == ["admin", "bot", "app"]


@pytest.mark.wire
def test_on_a_real_server_existing_documents_and_indexes_are_untouched(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        db = client.get_default_database()
        rocketchat_database(db)
        before = everything(db)
        migrations.migrate(db)
        after = everything(db)
        for name, (documents, indexes) in before.items():
            assert set(documents) <= set(after[name][0]), f"{name}: a document changed"
            assert set(indexes) <= set(after[name][1]), f"{name}: an index changed"
        assert after["migrations"] == before["migrations"]
        assert migrations.migrate(db) == []
        assert everything(db) == after


@pytest.mark.wire
def test_on_a_real_server_the_needed_indexes_exist(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        db = client.get_default_database()
        migrations.migrate(db)
        names = {i["name"]: i for i in db.users.list_indexes()}
        assert names["emails.address_insensitive"]["collation"]["strength"] == 2
        assert names["username_1"]["unique"] is True
        assert "bulkimport_updatedAt_ts" in {i["name"] for i in db.rocketchat_import.list_indexes()}
