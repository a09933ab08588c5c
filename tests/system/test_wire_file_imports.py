"""The file importers end to end on the wire server: HTTP to a real API process, real
worker processes, GridFS, and a worker SIGKILLed in the middle of a preparation."""

import concurrent.futures

import pymongo
import pytest
import requests

from app.services import migrations
from tests.support import factories, importfiles
from tests.support.fileroutes import checked_status, imported, upload_body
from tests.support.processes import Process, serve, wait_for
from tests.support.wire import free_port

pytestmark = pytest.mark.wire


@pytest.fixture
def db(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        database = client.get_default_database()
        migrations.migrate(database)
        factories.insert_permissions(database)
        factories.insert_roles(database)
        yield database


class Api:
    """The API process, called over HTTP as an admin."""

    def __init__(self, db, wire_url, tmp_path):
        user, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
        self.headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}
        self.port = free_port()
        self.process = serve(
            self.port,
            tmp_path / "api.log",
            MONGO_URL=wire_url,
            IMPORT_WORKER="off",
            RATE_LIMIT_ENABLED="false",
        )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/api/v1/{path}"

    def get(self, path):
        return requests.get(self.url(path), headers=self.headers, timeout=30)

    def post(self, path, headers=None, **kwargs):
        headers = {**self.headers, **(headers or {})}
        return requests.post(self.url(path), headers=headers, timeout=60, **kwargs)

    def status(self):
        answer = self.get("import.status")
        assert answer.status_code == 200
        return checked_status(answer.json())

    def wait_state(self, state, timeout=60):
        return wait_for(lambda: (s := self.status())["state"] == state and s, timeout, state)


@pytest.fixture
def api(db, wire_url, tmp_path):
    api = Api(db, wire_url, tmp_path)
    yield api
    api.process.stop()


def worker(wire_url, tmp_path, name="worker", **env):
    settings = {"MONGO_URL": wire_url, "BCRYPT_ROUNDS": 4, "IMPORT_POLL_SECONDS": 0.05, **env}
    return Process(["worker"], tmp_path / f"{name}.log", **settings)


def upload_base64(api, content, importer, name):
    return api.post("uploadImportFile", json=upload_body(content, importer, name))


def test_a_csv_zip_through_http_loading_selection_7_0_subset_done(db, api, wire_url, tmp_path):
    content = importfiles.users_zip(rows=120, channels=2, messages=5)
    assert upload_base64(api, content, "csv", "export.zip").json() == {"success": True}
    loading = api.status()
    assert loading["state"] == "loading"
    assert loading["operation"]["status"] == "importer_file_loaded"
    assert db["bulkimport_files.files"].count_documents({}) == 1
    assert api.get("getImportFileData").json() == {"waiting": True, "success": True}
    process = worker(wire_url, tmp_path)
    try:
        api.wait_state("ready")
        users = api.get("getImportFileData").json()["users"]
        assert len(users) == 120
        subset = [f"user{n}" for n in range(0, 120, 3)]
        start = api.post("startImport", json={"input": {"users": {"all": False, "list": subset}}})
        assert start.json() == {"success": True}
        done = api.wait_state("done")
    finally:
        process.stop()
    assert imported(db) == sorted(subset)
    count = done["operation"]["count"]
    assert count["completed"] + count["error"] == len(subset)
    assert (count["channels"], count["messages"]) == (2, 10)


def test_a_slack_member_list_streamed_with_the_6_x_body(db, api, wire_url, tmp_path):
    members = importfiles.slack_csv(rows=12)
    response = api.post(
        "uploadImportFile",
        data={"importerKey": "slack-users"},
        files={"file": ("members.csv", members, "text/csv")},
    )
    assert response.json() == {"success": True}, response.text
    assert api.status()["state"] == "loading"
    process = worker(wire_url, tmp_path)
    try:
        api.wait_state("ready")
        selection = api.get("getImportFileData").json()
        for user in selection["users"]:
            user["do_import"] = user["username"] in ("member1", "member3", "member4")
        body = {"input": {"users": selection["users"], "channels": selection["channels"]}}
        assert api.post("startImport", json=body).json() == {"success": True}
        api.wait_state("done")
    finally:
        process.stop()
    assert imported(db) == ["member1", "member3", "member4"]
    by_name = {u["username"]: u for u in db.users.find({"importIds": {"$exists": True}})}
    assert "admin" in by_name["member1"]["roles"]
    assert by_name["member3"]["type"] == "bot"
    assert by_name["member4"]["active"] is False
    progress = api.get("getImportProgress").json()
    assert (progress["key"], progress["name"]) == ("slack-users", "Slack_Users")


def test_a_killed_preparation_is_ended_by_another_worker_each_row_staged_once(
    db, api, wire_url, tmp_path
):
    rows = 30_000  # five times the rows staged before the kill: enough to kill it mid-way
    content = importfiles.users_zip(rows=rows)
    response = api.post(
        "uploadImportFile?importerKey=csv&fileName=big.zip",
        data=content,
        headers={"Content-Type": "application/zip"},
    )
    assert response.json() == {"success": True}

    def staged_some():
        operation = db.rocketchat_import.find_one({"valid": True})
        return (operation.get("count") or {}).get("users", 0) >= 5000

    first = worker(wire_url, tmp_path, "first", IMPORT_LEASE_SECONDS=2)
    try:
        wait_for(staged_some, 120, "the first rows to be staged")
        first.kill()
    finally:
        first.stop()
    at_kill = db.rocketchat_import.find_one({"valid": True})
    assert at_kill["status"] == "importer_preparing_users"
    assert at_kill["count"]["users"] < rows
    second = worker(wire_url, tmp_path, "second")
    try:
        ready = api.wait_state("ready", timeout=300)
    finally:
        second.stop()
    assert ready["operation"]["status"] == "importer_user_selection"
    assert ready["operation"]["count"]["users"] == rows
    staged = db.rocketchat_import_data.count_documents({"dataType": "user"})
    assert staged == rows
    names = db.rocketchat_import_data.distinct("data.username")
    assert len(names) == rows


def test_two_workers_never_prepare_the_same_file_and_one_start_wins(db, api, wire_url, tmp_path):
    assert upload_base64(api, importfiles.users_zip(rows=3000), "csv", "a.zip").json()["success"]
    operation_id = db.rocketchat_import.find_one({"valid": True})["_id"]
    pool = [worker(wire_url, tmp_path, f"racer{n}") for n in range(2)]
    try:
        api.wait_state("ready", timeout=120)
        body = {"json": {"input": {"users": {"all": True}}}}
        with concurrent.futures.ThreadPoolExecutor(2) as executor:
            answers = list(executor.map(lambda _: api.post("startImport", **body).json(), range(2)))
        done = api.wait_state("done", timeout=120)
    finally:
        for process in pool:
            process.stop()
    assert sorted(a["success"] for a in answers) == [False, True]
    assert {"success": False, "error": "error-invalid-operation-status"} in answers
    claims = [
        line
        for process in pool
        for line in process.log_lines()
        if line["message"].startswith("import run claimed by") and line["run_id"] == operation_id
    ]
    # One claim prepared the file, one ran the import: never two at once on one step.
    assert len(claims) == 2
    assert done["operation"]["count"]["completed"] == 3000
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 3000
