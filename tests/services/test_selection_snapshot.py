"""getImportFileData answers a prepared file's selection from the snapshot the preparation
wrote: the same body Rocket.Chat's shape asks for, whatever the number of users, in a number
of database round trips that does not grow with them."""

import json

import pymongo
import pytest
from pymongo import monitoring

from app.models import import_files
from app.services import file_imports, migrations, selection, selection_snapshot
from app.services.file_imports import FileSettings
from tests.support import importfiles
from tests.support.apps import make_worker
from tests.support.fileroutes import status, upload_json

SNAPSHOTS = f"{import_files.SELECTIONS}.files"


def prepared(admin, worker, content, importer="csv", name="export.zip"):
    assert upload_json(admin, content, importer, name).status_code == 200
    worker.run_pending()
    return status(admin)["operation"]


def file_data(admin):
    answer = admin.get("getImportFileData")
    assert answer.status_code == 200, answer.json
    return answer


def test_the_snapshot_answers_what_the_staging_area_would(db, admin, worker):
    operation = prepared(admin, worker, importfiles.users_zip(rows=30, channels=2, messages=4))
    assert db[SNAPSHOTS].count_documents({"metadata.operation": operation["_id"]}) == 1
    from_snapshot = file_data(admin).get_data()
    import_files.delete_selections(db)  # as for an operation Rocket.Chat itself prepared
    from_staging = file_data(admin).get_data()
    assert from_snapshot == from_staging
    body = json.loads(from_snapshot)
    assert list(body) == ["name", "users", "channels", "message_count", "notImported", "success"]
    assert len(body["users"]) == 30 and body["message_count"] == 8
    assert body["users"][3] == {
        "user_id": "user3",
        "username": "user3",
        "email": "user3@example.com",
        "is_deleted": False,
        "is_bot": False,
        "do_import": True,
        "is_email_taken": False,
    }


def test_slack_statuses_show_in_the_snapshot(admin, worker):
    prepared(admin, worker, importfiles.slack_csv(rows=6), "slack-users", "members.csv")
    users = file_data(admin).json["users"]
    by_status = dict(zip(importfiles.SLACK_STATUSES, users, strict=True))
    assert by_status["Bot"]["is_bot"] is True and by_status["Deactivated"]["is_deleted"] is True
    assert by_status["Member"]["user_id"] == "member0@example.com"


def test_after_start_import_the_staging_area_tells_what_is_left(db, admin, worker):
    prepared(admin, worker, importfiles.users_zip(rows=4))
    selection = {"input": {"users": {"list": ["user1", "user2"]}}}
    assert admin.post("startImport", json=selection).status_code == 200
    assert [u["user_id"] for u in file_data(admin).json["users"]] == ["user1", "user2"]
    worker.run_pending()
    assert file_data(admin).json["users"] == []  # imported users leave staging, as in Rocket.Chat


@pytest.mark.parametrize("route", ["import.clear", "import.new"])
def test_clear_and_new_delete_every_snapshot(db, admin, worker, route):
    prepared(admin, worker, importfiles.users_zip(rows=3))
    assert db[SNAPSHOTS].count_documents({}) == 1
    assert admin.post(route).status_code == 200
    assert db[SNAPSHOTS].count_documents({}) == 0
    assert db[f"{import_files.SELECTIONS}.chunks"].count_documents({}) == 0


def test_a_file_that_fails_to_prepare_leaves_no_snapshot(db, admin, worker):
    broken = importfiles.zip_of({"users.csv": b"user0,user0@example.com,User 0\nonly-one-value\n"})
    operation = prepared(admin, worker, broken)
    assert operation["status"] == "importer_import_failed"
    assert db[SNAPSHOTS].count_documents({}) == 0


def test_a_preparation_started_again_writes_one_snapshot(db, admin, worker):
    operation = prepared(admin, worker, importfiles.users_zip(rows=3))
    stale = selection_snapshot.SnapshotWriter(db, operation["_id"])  # a dead attempt's
    stale.add([{"importIds": ["ghost"], "emails": ["g@example.com"]}])
    stale.close()
    again = selection_snapshot.SnapshotWriter(db, operation["_id"])
    again.add([{"importIds": ["user0"], "emails": ["user0@example.com"]}])
    again.close()
    assert db[SNAPSHOTS].count_documents({}) == 1
    users = json.loads(selection_snapshot.stored(db, operation["_id"]))
    assert [u["user_id"] for u in users] == ["user0"]


class Counter(monitoring.CommandListener):
    """Counts the commands a client sends: its round trips."""

    def __init__(self):
        self.commands = 0

    def started(self, event):
        self.commands += 1

    def succeeded(self, event):
        """Counted when started."""

    def failed(self, event):
        """Counted when started."""


def round_trips_of_file_data(wire_url, rows):
    """Prepare a CSV of `rows` users on a fresh database; count getImportFileData's commands."""
    counter = Counter()
    with pymongo.MongoClient(wire_url, event_listeners=[counter]) as client:
        db = client.get_default_database()
        client.drop_database(db.name)
        migrations.migrate(db)
        content = importfiles.users_zip(rows=rows)
        upload = file_imports.upload(
            db, "admin", "csv", "export.zip", "application/zip", [content], FileSettings.default()
        )
        worker = make_worker(db)
        try:
            worker.run_pending()
        finally:
            worker.stop()
        counter.commands = 0
        answer = selection.file_data(db)
        assert len(json.loads(answer.users_json)) == rows and upload["_id"]
        return counter.commands


@pytest.mark.wire
def test_round_trips_do_not_grow_with_the_users(wire_url):
    assert round_trips_of_file_data(wire_url, 20) == round_trips_of_file_data(wire_url, 3000)


def test_users_added_to_a_prepared_operation_are_listed_too(admin, worker):
    prepared(admin, worker, importfiles.users_zip(rows=2))
    extra = {"username": "late", "emails": ["late@example.com"], "importIds": ["late"]}
    assert admin.post("import.addUsers", json={"users": [extra]}).status_code == 200
    listed = {u["user_id"] for u in file_data(admin).json["users"]}  # in staging (_id) order
    assert listed == {"user0", "user1", "late"}
