"""Staged passwords: nothing Rocket.Chat's own run would misread, no plaintext, every user
the password it was sent with (whoever staged it)."""

import json

from bson import ObjectId

from app.models import connection
from app.services import migrations
from app.services.passwords import digest
from tests.support import factories

ANN = {"username": "ann", "emails": ["ann@example.com"], "importIds": ["ann"]}


def staged_records(db):
    return list(db.rocketchat_import_data.find().sort("_id", 1))


def log_in(client, username, password):
    return client.post("/api/v1/login", json={"user": username, "password": password})


def stage_directly(admin, db, data, **beside):
    """Stage a record as another writer would (an older version, Rocket.Chat itself)."""
    operation = admin.post("import.new").json["operation"]
    record = {"_id": str(ObjectId()), "dataType": "user", "data": data, **beside}
    db.rocketchat_import_data.insert_one(record)
    db.rocketchat_import.update_one(
        {"_id": operation["_id"]},
        {"$set": {"status": "importer_user_selection", "count": {"total": 1, "users": 1}}},
    )


def test_no_staged_user_holds_a_password_rocket_chat_would_hash_as_empty(db, admin):
    # Rocket.Chat's run hashes SHA256(data.password || a temporary password), and its SHA256
    # of an object is the SHA256 of "": data.password must never be anything but absent.
    assert admin.post("import.new").status_code == 200
    answer = admin.post("import.addUsers", json={"users": [{**ANN, "password": "s3cret"}]})
    assert answer.status_code == 200
    (record,) = staged_records(db)
    assert "password" not in record["data"]
    assert record["_passwordDigest"] == digest("s3cret")
    assert "s3cret" not in json.dumps(factories.snapshot(db), default=str)


def test_the_imported_user_logs_in_with_the_password_sent(client, db, admin, worker):
    assert admin.post("import.new").status_code == 200
    admin.post("import.addUsers", json={"users": [{**ANN, "password": "s3cret"}]})
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    assert log_in(client, "ann", "s3cret").status_code == 200
    assert staged_records(db) == []


def test_a_failed_record_keeps_no_password_digest(db, admin, worker):
    factories.insert_user(db, username="ann")
    assert admin.post("import.new").status_code == 200
    admin.post("import.addUsers", json={"users": [{**ANN, "password": "s3cret"}]})
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    (record,) = staged_records(db)
    assert record["errors"] == [{"message": "username already in use: ann"}]
    assert "_passwordDigest" not in record and "password" not in record["data"]


def test_a_password_rocket_chats_own_add_users_staged_is_the_users_password(
    client, db, admin, worker
):
    stage_directly(admin, db, {**ANN, "roles": ["user"], "password": "plain-text"})
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    assert log_in(client, "ann", "plain-text").status_code == 200


def test_a_digest_an_older_version_staged_in_data_still_gives_the_password(
    client, db, admin, worker
):
    legacy = {"digest": digest("s3cret"), "algorithm": "sha-256"}
    stage_directly(admin, db, {**ANN, "roles": ["user"], "password": legacy})
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    assert log_in(client, "ann", "s3cret").status_code == 200


def test_the_migration_moves_an_older_versions_digests_out_of_data():
    db = connection.embedded()
    legacy = {"digest": digest("s3cret"), "algorithm": "sha-256"}
    db.rocketchat_import_data.insert_many(
        [
            {"_id": "a", "dataType": "user", "data": {**ANN, "password": legacy}},
            {"_id": "b", "dataType": "user", "data": {**ANN, "password": "rocket-chat's own"}},
        ]
    )
    migrations.migrate(db)
    moved, rocket_chats = staged_records(db)
    assert moved["_passwordDigest"] == digest("s3cret") and "password" not in moved["data"]
    assert rocket_chats["data"]["password"] == "rocket-chat's own"  # Rocket.Chat's to run
    assert "_passwordDigest" not in rocket_chats
