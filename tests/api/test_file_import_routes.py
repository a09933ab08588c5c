"""The file importers' routes on the embedded database: upload, prepare, select, import."""

import base64
import io
import os

import pytest

from app.contract import states
from app.models import import_files
from app.services.preparation import Preparation, record_id
from tests.support import factories, importfiles
from tests.support.factories import snapshot
from tests.support.fileroutes import imported, status, upload_json


def upload_raw(caller, content, importer="csv", name="export.zip"):
    return caller.client.post(
        f"/api/v1/uploadImportFile?importerKey={importer}&fileName={name}",
        headers={**caller.headers, "Content-Type": "application/octet-stream"},
        data=content,
    )


def prepared(caller, worker, content, importer="csv", name="export.zip"):
    response = upload_json(caller, content, importer, name)
    assert response.status_code == 200, response.json
    worker.run_pending()
    return status(caller)


def test_importers_list_names_the_two_file_importers(admin):
    response = admin.get("importers.list")
    assert response.status_code == 200
    assert response.json == [
        {"key": "csv", "name": "CSV"},
        {"key": "slack-users", "name": "Slack_Users"},
    ]


@pytest.mark.parametrize("path", ["importers.list", "getImportFileData", "getImportProgress"])
def test_get_routes_refuse_any_query_key(admin, path):
    response = admin.get(f"{path}?count=1")
    assert response.status_code == 400
    assert response.json == {
        "success": False,
        "error": "must NOT have additional properties [invalid-params]",
        "errorType": "invalid-params",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "importers.list"),
        ("post", "uploadImportFile"),
        ("post", "downloadPublicImportFile"),
        ("get", "getImportFileData"),
        ("post", "startImport"),
    ],
)
def test_routes_need_a_login_then_run_import(client, regular, method, path):
    anonymous = getattr(client, method)(f"/api/v1/{path}")
    assert anonymous.status_code == 401
    body = {"input": {}} if path == "startImport" else None
    if path == "downloadPublicImportFile":
        body = {"fileUrl": "https://example.com/x.zip", "importerKey": "csv"}
    kwargs = {"json": body} if method == "post" and body is not None else {}
    if path == "uploadImportFile":
        kwargs = {
            "json": {"binaryContent": "", "contentType": "", "fileName": "a", "importerKey": "csv"}
        }
    refused = getattr(regular, method)(path, **kwargs)
    assert refused.status_code == 403
    assert "[error-unauthorized]" in refused.json["error"]


def test_a_csv_zip_goes_loading_ready_then_the_7_0_subset_is_imported(admin, db, worker):
    response = upload_json(admin, importfiles.users_zip(rows=5, channels=2, messages=3, direct=2))
    assert response.status_code == 200
    assert response.json == {"success": True}
    loading = status(admin)
    assert loading["state"] == "loading"
    assert loading["operation"]["status"] == "importer_file_loaded"
    assert loading["operation"]["type"] == "CSV"
    assert loading["operation"]["importerKey"] == "csv"
    assert loading["operation"]["file"].endswith(f"_{admin.user['_id']}_export.zip")
    assert loading["operation"]["contentType"] == "application/zip"
    # The request never prepares: until a worker did, the selection is not ready.
    assert admin.get("getImportFileData").json == {"waiting": True, "success": True}

    worker.run_pending()
    ready = status(admin)
    assert ready["state"] == "ready"
    assert ready["operation"]["count"] == {"total": 16, "users": 5, "channels": 3, "messages": 8}
    data = admin.get("getImportFileData").json
    assert [u["user_id"] for u in data["users"]] == [f"user{n}" for n in range(5)]
    assert data["users"][0] == {
        "user_id": "user0",
        "username": "user0",
        "email": "user0@example.com",
        "is_deleted": False,
        "is_bot": False,
        "do_import": True,
        "is_email_taken": False,
    }
    by_id = {c["channel_id"]: c for c in data["channels"]}
    assert len(by_id) == 3
    assert {by_id[i]["name"] for i in by_id if i != "__directMessages__"} == {
        "general-0",
        "general-1",
    }
    assert by_id["__directMessages__"]["is_direct"] is True
    assert all(c["do_import"] is True for c in data["channels"])
    assert data["message_count"] == 8
    assert data["notImported"] == ["messages"]
    assert data["name"] == "CSV"

    start = admin.post(
        "startImport",
        json={"input": {"users": {"list": ["user1", "user3"]}, "channels": {"all": True}}},
    )
    assert start.status_code == 200
    assert status(admin)["state"] == "importing"
    worker.run_pending()
    done = status(admin)
    assert done["state"] == "done"
    count = done["operation"]["count"]
    assert count["completed"] + count["error"] == 2
    assert count["total"] == 16  # as Rocket.Chat counts the file: users, channels, messages
    assert done["operation"]["userCounts"] == {
        "selected": 2,
        "created": 2,
        "updated": 0,
        "failed": 0,
    }
    assert imported(db) == ["user1", "user3"]
    progress = admin.get("getImportProgress").json
    assert (progress["key"], progress["name"]) == ("csv", "CSV")


def test_the_6_x_full_selection_imports_the_entries_marked_do_import(admin, db, worker):
    prepared(admin, worker, importfiles.users_zip(rows=4))
    users = admin.get("getImportFileData").json["users"]
    for user in users:
        user["do_import"] = user["user_id"] in ("user0", "user2")
    users.pop()  # a user missing from the list is skipped too
    start = admin.post("startImport", json={"input": {"users": users, "channels": []}})
    assert start.status_code == 200, start.json
    worker.run_pending()
    assert imported(db) == ["user0", "user2"]
    count = status(admin)["operation"]["count"]
    assert (count["completed"], count["error"], count["total"]) == (2, 0, 4)


def test_slack_members_keep_their_status_as_roles_type_and_activity(admin, db, worker):
    ready = prepared(admin, worker, importfiles.slack_csv(rows=6), "slack-users", "members.csv")
    assert ready["operation"]["type"] == "Slack_Users"
    assert ready["operation"]["count"]["users"] == ready["operation"]["count"]["total"] == 6
    users = admin.get("getImportFileData").json["users"]
    assert users[0]["user_id"] == "member0@example.com"  # Slack's import id is the e-mail
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    worker.run_pending()
    by_name = {u["username"]: u for u in db.users.find({"importIds": {"$exists": True}})}
    assert by_name["member1"]["roles"] == ["admin", "user"]  # Admin
    assert by_name["member3"]["roles"][0] == "bot" and by_name["member3"]["type"] == "bot"
    assert by_name["member4"]["active"] is False  # Deactivated
    assert by_name["member0"]["roles"] == ["user"] and by_name["member0"]["active"] is True
    progress = admin.get("getImportProgress").json
    assert (progress["key"], progress["name"]) == ("slack-users", "Slack_Users")


def test_a_streamed_raw_body_and_a_multipart_upload_are_stored_too(admin, db, worker):
    raw = upload_raw(admin, importfiles.slack_csv(rows=3), "slack-users", "members.csv")
    assert raw.status_code == 200, raw.json
    worker.run_pending()
    assert status(admin)["operation"]["count"]["users"] == 3
    form = admin.client.post(
        "/api/v1/uploadImportFile",
        headers=admin.headers,
        data={"importerKey": "csv", "file": (io.BytesIO(importfiles.users_zip(rows=2)), "a.zip")},
        content_type="multipart/form-data",
    )
    assert form.status_code == 200, form.json
    worker.run_pending()
    ready = status(admin)
    assert ready["operation"]["count"]["users"] == 2
    assert ready["operation"]["file"].endswith("_a.zip")
    # The previous operation's file went with it.
    assert db[import_files.FILES].count_documents({}) == 1


def refused_unchanged(admin, db, call, error, error_type=None):
    """Make a refused call and check it answered `error` and changed nothing."""
    before = snapshot(db)
    response = call()
    assert response.status_code == 400, response.json
    if error is not None:
        assert response.json["error"] == error
    if error_type:
        assert response.json["errorType"] == error_type
    assert snapshot(db) == before
    return response


@pytest.fixture
def previous(admin, worker):
    """A ready operation that a refused upload must leave as it was."""
    prepared(admin, worker, importfiles.users_zip(rows=2))
    return status(admin)


def test_an_unknown_importer_is_refused_and_changes_nothing(admin, db, previous):
    response = refused_unchanged(
        admin,
        db,
        lambda: upload_json(admin, importfiles.users_zip(), "bogus"),
        "The importer (bogus) has no import class defined. [error-importer-not-defined]",
        "error-importer-not-defined",
    )
    assert response.json["details"] == "uploadImportFile"
    download = admin.post(
        "downloadPublicImportFile",
        json={"fileUrl": "https://example.com/a.zip", "importerKey": "x"},
    )
    assert download.json["details"] == "downloadImportFile"
    assert status(admin) == previous


@pytest.mark.parametrize("text", ["UEsDB!!!", "UEsDBA", "UEs=BBBB", "UEsD B=BB\n"])
def test_invalid_base64_is_refused(admin, db, previous, text):
    body = {
        "binaryContent": text,
        "contentType": "a",
        "fileName": "a.zip",
        "importerKey": "csv",
    }
    refused_unchanged(
        admin,
        db,
        lambda: admin.post("uploadImportFile", json=body),
        "binaryContent is not valid base64 [error-invalid-base64]",
    )


def test_a_non_zip_to_csv_is_refused_at_upload(admin, db, previous):
    response = refused_unchanged(
        admin, db, lambda: upload_json(admin, b"a,b,c\n", name="users.csv"), None
    )
    assert response.json["errorType"] == "error-invalid-file"
    assert "zip" in response.json["error"]
    assert status(admin) == previous


@pytest.mark.parametrize("name", ["../evil.zip", "/etc/passwd", "a/../../b.zip", ""])
def test_a_file_name_that_escapes_is_refused(admin, db, previous, name):
    response = upload_json(admin, importfiles.users_zip(), name=name)
    assert response.status_code == 400
    assert response.json["errorType"] == "error-invalid-file-name"
    assert status(admin) == previous


def test_a_json_upload_over_the_limit_is_refused(app, admin, db, previous):
    app.config["MAX_IMPORT_FILE_BYTES"] = 1000
    app.config["MAX_BODY_BYTES"] = 1000
    # The body may be as large as base64 needs for MAX_IMPORT_FILE_BYTES (and 64 KiB more).
    big = upload_json(admin, b"PK\x03\x04" + os.urandom(150_000))
    assert big.status_code == 413
    assert "the limit is" in big.json["error"]
    # Within the body limit, but the decoded file is over the file limit.
    app.config["MAX_BODY_BYTES"] = 10_000_000
    app.config["MAX_IMPORT_FILE_BYTES"] = 100
    refused_unchanged(
        admin,
        db,
        lambda: upload_json(admin, importfiles.users_zip(rows=20)),
        "The file is larger than the limit of 100 bytes (MAX_IMPORT_FILE_BYTES)"
        " [error-file-too-large]",
    )
    assert status(admin) == previous


def test_base64_wrapped_in_lines_is_accepted(admin, worker):
    content = importfiles.users_zip(rows=300)
    wrapped = base64.encodebytes(content).decode()  # 76 columns, as `base64` writes it
    body = {"binaryContent": wrapped, "contentType": "", "fileName": "a.zip", "importerKey": "csv"}
    assert admin.post("uploadImportFile", json=body).status_code == 200
    worker.run_pending()
    assert status(admin)["operation"]["count"]["users"] == 300


def test_a_json_upload_may_be_larger_than_max_body_bytes(app, admin, worker):
    content = importfiles.users_zip(rows=2000)
    app.config["MAX_BODY_BYTES"] = len(content) // 2
    assert upload_json(admin, content).status_code == 200


def test_a_streamed_upload_over_the_limit_is_counted_and_refused(app, admin, db, previous):
    app.config["MAX_IMPORT_FILE_BYTES"] = 500
    # A declared length past the file and 64 KiB of room for multipart is not even read...
    declared = upload_raw(admin, b"x" * 100_000)
    assert declared.status_code == 413
    # ...and within it, the bytes are counted.
    counted = upload_raw(admin, b"PK\x03\x04" + b"x" * 5000)
    assert counted.json["errorType"] == "error-file-too-large"
    # Without a declared length, the bytes are counted as they arrive.
    before = snapshot(db)
    undeclared = admin.client.post(
        "/api/v1/uploadImportFile?importerKey=csv&fileName=a.zip",
        headers=admin.headers,
        input_stream=io.BytesIO(b"PK\x03\x04" + b"x" * 5000),
    )
    assert undeclared.status_code == 400
    assert undeclared.json["errorType"] == "error-file-too-large"
    assert snapshot(db) == before
    assert status(admin) == previous


@pytest.mark.parametrize("form", ["raw", "multipart"])
def test_a_streamed_upload_may_be_larger_than_max_body_bytes(app, admin, worker, form):
    content = importfiles.users_zip(rows=2000)
    app.config["MAX_BODY_BYTES"] = len(content) // 4
    if form == "raw":
        response = upload_raw(admin, content)
    else:
        response = admin.client.post(
            "/api/v1/uploadImportFile",
            headers=admin.headers,
            data={"importerKey": "csv", "file": (io.BytesIO(content), "a.zip")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 200, response.json
    worker.run_pending()
    assert status(admin)["operation"]["count"]["users"] == 2000


def test_a_raw_upload_needs_a_file_name(admin, previous):
    response = admin.client.post(
        "/api/v1/uploadImportFile?importerKey=csv", headers=admin.headers, data=b"PK"
    )
    assert response.status_code == 400
    assert response.json["error"] == "must have required property 'fileName' [invalid-params]"


def test_the_json_body_is_validated_with_ajv_wording(admin):
    response = admin.post("uploadImportFile", json={"binaryContent": "", "fileName": "a"})
    assert response.json["error"] == "must have required property 'contentType' [invalid-params]"
    extra = {"binaryContent": "", "contentType": "", "fileName": "a", "importerKey": "csv", "x": 1}
    response = admin.post("uploadImportFile", json=extra)
    assert response.json["error"] == "must NOT have additional properties [invalid-params]"


def failed(admin, worker, content, importer="csv", name="export.zip"):
    """Upload a file the worker cannot prepare; return the failed operation."""
    response = upload_json(admin, content, importer, name)
    assert response.status_code == 200, response.json
    worker.run_pending()
    answer = status(admin)
    assert answer["state"] == "error"
    assert answer["operation"]["status"] == "importer_import_failed"
    data = admin.get("getImportFileData")
    assert data.status_code == 400
    assert data.json["errorType"] == "error-import-failed"
    assert data.json["error"] == f"{answer['operation']['errorMessage']} [error-import-failed]"
    return answer["operation"]


def test_a_broken_users_csv_fails_with_its_line(admin, db, worker):
    content = importfiles.zip_of({"users.csv": b"a,a@x.org,A\nb,b@x.org,B,extra\n"})
    operation = failed(admin, worker, content)
    assert "users.csv" in operation["errorMessage"] and "line 2" in operation["errorMessage"]
    assert db.rocketchat_import_data.count_documents({}) == 0  # nothing half-staged
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).json == {
        "success": False,
        "error": "error-invalid-operation-status",
    }
    assert imported(db) == []


def test_a_broken_quote_fails_with_its_line(admin, worker):
    content = importfiles.zip_of({"users.csv": b'a,a@x.org,A\n"b,b@x.org,B\n'})
    operation = failed(admin, worker, content)
    assert "line 2" in operation["errorMessage"]


def test_a_file_with_no_user_fails_rather_than_being_ready(admin, db, worker):
    operation = failed(admin, worker, importfiles.zip_of({"users.csv": b""}))
    assert operation["errorMessage"]
    assert imported(db) == []


def test_latin_1_bytes_fail_with_the_line(admin, worker):
    content = importfiles.zip_of(
        {"users.csv": "a,a@x.org,A\nb,b@x.org,Jos\xe9\n".encode("latin-1")}
    )
    operation = failed(admin, worker, content)
    assert "line 2" in operation["errorMessage"]
    assert "UTF-8" in operation["errorMessage"]


def test_a_bom_is_accepted(admin, worker):
    content = importfiles.zip_of({"users.csv": b'\xef\xbb\xbf"a",a@x.org,A\n'})
    ready = prepared(admin, worker, content)
    assert ready["state"] == "ready"
    assert admin.get("getImportFileData").json["users"][0]["username"] == "a"


def test_a_slack_csv_without_an_email_column_fails(admin, worker):
    content = importfiles.slack_csv(header="username,status,fullname")
    operation = failed(admin, worker, content, "slack-users", "members.csv")
    assert "email" in operation["errorMessage"]


def test_a_zip_bomb_fails(admin, db, worker):
    content = importfiles.streamed_bomb(64 << 20)
    operation = failed(admin, worker, content)
    assert operation["errorMessage"]
    assert imported(db) == []


def test_an_escaping_zip_entry_fails(admin, worker):
    content = importfiles.zip_of({"users.csv": b"a,a@x.org,A\n", "../evil/x.csv": b"x"})
    operation = failed(admin, worker, content)
    assert "../evil/x.csv" in operation["errorMessage"] or ".." in operation["errorMessage"]


def test_start_import_only_from_ready_and_only_once(admin, db, worker):
    prepared(admin, worker, importfiles.users_zip(rows=2))
    first = admin.post("startImport", json={"input": {"users": {"all": True}}})
    second = admin.post("startImport", json={"input": {"users": {"all": True}}})
    assert first.status_code == 200
    assert second.json == {"success": False, "error": "error-invalid-operation-status"}
    worker.run_pending()
    assert imported(db) == ["user0", "user1"]


def test_start_import_with_nothing_selected_imports_nobody(admin, db, worker):
    prepared(admin, worker, importfiles.users_zip(rows=3))
    assert admin.post("startImport", json={"input": {}}).status_code == 200
    worker.run_pending()
    answer = status(admin)
    assert answer["state"] == "done"
    assert answer["operation"]["count"]["completed"] == 0
    assert imported(db) == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "must have required property 'input'"),
        ({"input": {}, "x": 1}, "must NOT have additional properties"),
        ({"input": {"users": []}}, "must have required property 'channels'"),
        (
            {"input": {"users": [{"user_id": "a"}], "channels": []}},
            "must have required property 'username'",
        ),
        ({"input": {"users": {"all": "maybe"}}}, "must be boolean"),
        ({"input": {"users": {"list": "a"}}}, "must be array"),
    ],
)
def test_start_import_bodies_are_validated_with_ajv_wording(admin, body, error):
    response = admin.post("startImport", json=body)
    assert response.status_code == 400
    assert response.json["error"] == f"{error} [invalid-params]"


def test_start_import_without_an_operation(admin):
    response = admin.post("startImport", json={"input": {}})
    assert response.json["error"] == "Import Operation Not Found [error-operation-not-found]"
    assert response.json["details"] == "startImport"
    data = admin.get("getImportFileData")
    assert data.json["error"] == "Import Operation Not Found [error-operation-not-found]"


def test_clear_and_new_delete_the_stored_file(admin, db, worker):
    prepared(admin, worker, importfiles.users_zip(rows=2))
    assert db[import_files.FILES].count_documents({}) == 1
    admin.post("import.clear")
    assert db[import_files.FILES].count_documents({}) == 0
    assert db[import_files.CHUNKS].count_documents({}) == 0
    assert admin.get("getImportFileData").json["errorType"] == "error-import-operation-invalid"


def test_a_preparation_taken_over_restarts_and_stages_each_row_once(admin, db, worker):
    upload_json(admin, importfiles.users_zip(rows=1200))
    operation = db.rocketchat_import.find_one()
    # A worker that died after staging part of the file (same ids), its lease expired.
    db.rocketchat_import_data.insert_many(
        [
            {"_id": record_id(operation["_id"], n), "dataType": "user", "data": {"username": "x"}}
            for n in range(500)
        ]
    )
    db.rocketchat_import.update_one(
        {"_id": operation["_id"]},
        {
            "$set": {
                "status": states.PREPARING_USERS,
                states.LEASE: factories.expired_lease(),
            }
        },
    )
    worker.run_pending()
    assert status(admin)["state"] == "ready"
    records = list(db.rocketchat_import_data.find({"dataType": "user"}))
    assert len(records) == 1200
    assert sorted(r["data"]["username"] for r in records) == sorted(f"user{n}" for n in range(1200))


def test_a_live_lease_keeps_other_workers_off(admin, db, worker):
    upload_json(admin, importfiles.users_zip(rows=2))
    far = db.rocketchat_import.find_one()["ts"].replace(year=2999)
    db.rocketchat_import.update_one(
        {}, {"$set": {states.LEASE: {"worker": "other", "expiresAt": far}}}
    )
    assert worker.run_pending() == 0
    assert status(admin)["state"] == "loading"


def test_openapi_documents_the_file_importers_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for route, method in (
        ("importers.list", "get"),
        ("uploadImportFile", "post"),
        ("downloadPublicImportFile", "post"),
        ("getImportFileData", "get"),
        ("startImport", "post"),
    ):
        assert paths[f"/api/v1/{route}"][method]["x-permission"] == "run-import"
    upload = paths["/api/v1/uploadImportFile"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data", "application/octet-stream"}
    assert upload["application/json"]["schema"] == {"$ref": "#/components/schemas/UploadBody"}


def test_file_users_that_conflict_fail_with_reasons_in_import_errors(admin, db, worker):
    # Not the same user (another e-mail and username), yet it holds user1's import id.
    factories.insert_user(db, username="someone", importIds=["user1"])
    prepared(admin, worker, importfiles.users_zip(rows=3))
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    worker.run_pending()
    count = status(admin)["operation"]["count"]
    assert (count["completed"], count["error"], count["total"]) == (2, 1, 3)
    errors = admin.get("import.errors").json
    assert errors["total"] == 1
    assert errors["users"][0]["data"]["username"] == "user1"
    assert "already imported: importId user1" in errors["users"][0]["errors"][0]["message"]


def test_an_operation_of_an_importer_this_service_lacks(admin, db):
    # A Rocket.Chat database may hold an operation of another importer (Slack's export).
    db.rocketchat_import.insert_one(
        {
            "_id": "x1",
            "type": "Slack",
            "importerKey": "slack",
            "ts": factories.now(),
            "status": "importer_user_selection",
            "valid": True,
        }
    )
    data = admin.get("getImportFileData").json
    assert data["error"] == (
        "The importer (slack) has no import class defined. [error-importer-not-defined]"
    )
    assert data["details"] == "getImportFileData"
    start = admin.post("startImport", json={"input": {}}).json
    assert start["details"] == "startImport"


def test_a_preparation_of_a_replaced_operation_stops_without_failing_it(admin, db, worker):
    upload_json(admin, importfiles.users_zip(rows=5))
    claimed = worker.claim()
    admin.post("import.clear")  # replaced while a worker holds it: its file is gone
    Preparation(worker, claimed).execute()
    after = db.rocketchat_import.find_one({"_id": claimed["_id"]})
    assert after["status"] == "importer_file_loaded"
    assert "errorMessage" not in after
    assert states.LEASE not in after
    assert db.rocketchat_import_data.count_documents({}) == 0


def test_a_body_that_is_not_multipart_at_all_is_a_400_and_changes_nothing(admin, db):
    # Found by schemathesis: werkzeug's decoder raised ValueError, answered as a 500.
    before = status(admin)
    boundary = "f2aefe67c6a5f145f08873b1952b5b5c"
    response = admin.client.post(
        "/api/v1/uploadImportFile",
        headers={**admin.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        data=f"--{boundary}\r\n500--{boundary}--\r\n",
    )
    assert response.status_code == 400
    assert response.json == {
        "success": False,
        "error": "the multipart/form-data body is malformed [invalid-params]",
        "errorType": "invalid-params",
    }
    assert status(admin) == before
