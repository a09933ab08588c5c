"""bulk-import-users --importer against the live service: the file path, end to end."""

import pytest

from tests.support import factories, importfiles
from tests.support.factories import snapshot
from tests.support.live import LiveService, read_report, run
from tests.support.wire import free_port

SLACK_ROLES = {"Admin": ["admin"], "Bot": ["bot"]}


@pytest.fixture
def service():
    live = LiveService(IMPORT_POLL_SECONDS=0.05)
    yield live
    live.close()


def routes(service):
    return [c["route"] for c in service.calls]


def a_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_csv_zip_is_uploaded_streamed_prepared_and_imported(service, tmp_path):
    zipped = importfiles.users_zip(rows=5, channels=2, messages=3, direct=2)
    result = run(service, "--importer", "csv", a_file(tmp_path, "export.zip", zipped))
    assert result.exit_code == 0, result.output
    assert (
        "5 users read: 0 refused before the import, 5 created, 0 updated, 0 failed in the run"
        in result.stdout
    )
    assert "Every user was created; no error report." in result.stdout
    # general-0 and general-1: user0 (their creator, named a member too) and user1 each.
    assert (
        "Rooms: 2 created, 0 existing joined; 4 memberships written (0.8 per user created)."
        in result.stdout
    )
    assert (
        "export.zip: 5 users to import, 2 channels (4 members);"
        " 8 messages not imported (rooms and members only)."
    ) in result.stderr
    assert service.imported_users() == 5
    importing = [line for line in result.stderr.splitlines() if line.startswith("importing")]
    assert importing and all("/5  created" in line for line in importing)  # users, not records
    assert service.db.users.find_one({"username": "user3"})["name"] == "User 3"
    uploads = [c for c in service.calls if c["route"] == "uploadImportFile"]
    assert [c["query"] for c in uploads] == ["importerKey=csv&fileName=export.zip"]


def test_the_routes_are_called_in_order(service, tmp_path):
    run(service, "--importer", "csv", a_file(tmp_path, "x.zip", importfiles.users_zip(rows=2)))
    called = routes(service)
    assert called[:4] == ["login", "import.status", "uploadImportFile", "import.status"]
    start = called.index("startImport")
    assert set(called[4:start]) <= {"getImportFileData", "import.status"}  # while it prepares
    assert called[start - 1] == "getImportFileData"
    assert set(called[start + 1 : -1]) == {"import.status"}
    assert called[-1] == "logout"


def test_a_slack_member_list_is_imported_with_its_statuses(service, tmp_path):
    members = a_file(tmp_path, "members.csv", importfiles.slack_csv(rows=6))
    result = run(service, "--importer", "slack-users", members)
    assert result.exit_code == 0, result.output
    assert (
        "6 users read: 0 refused before the import, 6 created, 0 updated, 0 failed in the run"
        in result.stdout
    )
    by_status = dict(zip(importfiles.SLACK_STATUSES, range(6), strict=True))
    admin = service.db.users.find_one({"username": f"member{by_status['Admin']}"})
    bot = service.db.users.find_one({"username": f"member{by_status['Bot']}"})
    gone = service.db.users.find_one({"username": f"member{by_status['Deactivated']}"})
    assert "admin" in admin["roles"] and bot["type"] == "bot" and gone["active"] is False


def test_users_the_server_refuses_are_reported_with_their_reason(service, tmp_path):
    holder, _ = factories.insert_user(service.db, username="other", importIds=["user1"])
    report = tmp_path / "errors.csv"
    zipped = a_file(tmp_path, "x.zip", importfiles.users_zip(rows=3))
    result = run(service, "--importer", "csv", zipped, "--report", report)
    assert result.exit_code == 1, result.output
    assert (
        "3 users read: 0 refused before the import, 2 created, 0 updated, 1 failed in the run"
        in result.stdout
    )
    (row,) = read_report(report)
    assert (row["line"], row["username"], row["importIds"]) == ("", "user1", "user1")
    assert row["reason"] == f"already imported: importId user1 belongs to user {holder['_id']}"


def imports_of(db):
    """The import operations, the staging area and the stored files (a login writes elsewhere)."""
    kept = ("rocketchat_import", "bulkimport_files")
    return {name: docs for name, docs in snapshot(db).items() if name.startswith(kept)}


def test_an_unknown_importer_is_refused_by_the_server_and_changes_nothing(service, tmp_path):
    factories.insert_operation(service.db, status="importer_done")
    before = imports_of(service.db)
    zipped = a_file(tmp_path, "x.zip", importfiles.users_zip(rows=2))
    result = run(service, "--importer", "slack", zipped)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "error: The importer (slack) has no import class defined; the server's importers are:"
        " csv, slack-users (uploadImportFile answered 400, error-importer-not-defined)\n"
    )
    assert imports_of(service.db) == before


def test_a_file_over_the_servers_limit_is_refused_and_the_operation_kept(tmp_path):
    live = LiveService(MAX_IMPORT_FILE_BYTES=1000)
    try:
        kept = factories.insert_operation(live.db, status="importer_done")
        zipped = a_file(tmp_path, "big.zip", importfiles.users_zip(rows=200))
        result = run(live, "--importer", "csv", zipped)
        operations = list(live.db.rocketchat_import.find())
    finally:
        live.close()
    assert result.exit_code == 2
    assert (
        "error: The file is larger than the limit of 1000 bytes (MAX_IMPORT_FILE_BYTES)"
        " (uploadImportFile answered 400, error-file-too-large)" in (result.stderr)
    )
    assert operations == [kept]
    assert [c["route"] for c in live.calls].count("uploadImportFile") == 1  # no base64 retry


def test_a_file_that_is_not_a_zip_is_refused_at_upload(service, tmp_path):
    result = run(service, "--importer", "csv", a_file(tmp_path, "users.csv", b"a,a@x.org,A\n"))
    assert result.exit_code == 2
    assert "(uploadImportFile answered 400, error-invalid-file)\n" in result.stderr
    assert "zip" in result.stderr.lower()
    assert "getImportFileData" not in routes(service)


def test_a_preparation_that_fails_stops_with_the_file_and_line(service, tmp_path):
    users = importfiles.users_csv(2) + "jos\xe9,jose@x.org,Jos\xe9\n".encode("latin-1")
    zipped = a_file(tmp_path, "x.zip", importfiles.zip_of({"users.csv": users}))
    result = run(service, "--importer", "csv", zipped)
    assert result.exit_code == 2, result.output
    assert (
        "error: the server could not prepare x.zip, nothing was imported: users.csv line 3: "
        in (result.stderr)
    )
    assert "startImport" not in routes(service)
    assert service.imported_users() == 0


def test_a_slack_list_without_an_email_column_fails_its_preparation(service, tmp_path):
    members = importfiles.slack_csv(rows=2, header="username,status")
    result = run(service, "--importer", "slack-users", a_file(tmp_path, "m.csv", members))
    assert result.exit_code == 2
    assert "error: the server could not prepare m.csv, nothing was imported: " in result.stderr
    assert "email" in result.stderr


def test_an_unreachable_server_exits_2(tmp_path):
    zipped = a_file(tmp_path, "x.zip", importfiles.users_zip(rows=2))
    unreachable = LiveService.__new__(LiveService)
    unreachable.url = f"http://127.0.0.1:{free_port()}"
    result = run(unreachable, "--importer", "csv", zipped, "--timeout", 2)
    assert result.exit_code == 2
    assert result.stderr == f"error: {unreachable.url}: cannot connect (ConnectionError)\n"


def test_a_dry_run_with_an_importer_is_refused(service, tmp_path):
    zipped = a_file(tmp_path, "x.zip", importfiles.users_zip(rows=2))
    result = run(service, "--importer", "csv", zipped, "--dry-run")
    assert result.exit_code == 2
    assert "with --importer the server checks the file" in result.stderr
    assert service.calls == []


def test_a_streamed_file_may_be_larger_than_max_body_bytes(tmp_path):
    live = LiveService(MAX_BODY_BYTES=20_000, IMPORT_POLL_SECONDS=0.05)
    try:
        zipped = a_file(tmp_path, "x.zip", importfiles.users_zip(rows=3000))
        assert zipped.stat().st_size > 20_000
        result = run(live, "--importer", "csv", zipped)
    finally:
        live.close()
    assert result.exit_code == 0, result.output
    assert (
        "3,000 users read: 0 refused before the import, 3,000 created, 0 updated,"
        " 0 failed in the run" in result.stdout
    )
    assert [c["route"] for c in live.calls].count("uploadImportFile") == 1
