"""Starting the embedded database from a Rocket.Chat export (mongoexport, Extended JSON)."""

import json

import pytest

from app.dumps.export import ExportError, read_export
from app.fixtures import DEMO_CREDENTIALS, DEMO_DIR, DEMO_PASSWORD
from app.services.tokens import hash_token
from tests.support.apps import make_app

ADMIN_TOKEN = "export-admin-token"
ADMIN = {
    "_id": "ExpAdm1n23456789a",
    "username": "root",
    "roles": ["admin"],
    "services": {
        "resume": {
            "loginTokens": [
                {
                    "when": {"$date": "2024-01-01T00:00:00.000Z"},
                    "hashedToken": hash_token(ADMIN_TOKEN),
                },
            ]
        }
    },
    "createdAt": {"$date": {"$numberLong": "1704067200000"}},
}
PERMISSIONS = [{"_id": "run-import", "roles": ["admin"]}]
OPERATIONS = [
    {
        "_id": "65a000000000000000000001",
        "type": "api",
        "importerKey": "api",
        "ts": {"$date": "2024-01-01T00:00:00.000Z"},
        "status": "importer_done",
        "valid": False,
        "_updatedAt": {"$date": "2024-01-01T00:10:00.000Z"},
        "count": {"total": {"$numberLong": "3"}, "users": 3, "completed": 3, "error": 0},
    },
    {
        "_id": "65a000000000000000000002",
        "type": "api",
        "importerKey": "api",
        "ts": {"$date": "2024-02-01T00:00:00.000Z"},
        "status": "importer_user_selection",
        "valid": True,
        "user": "ExpAdm1n23456789a",
        "_updatedAt": {"$date": "2024-02-01T00:00:05.123Z"},
        "count": {"total": {"$numberLong": "7"}, "users": {"$numberInt": "7"}},
    },
]


def write_lines(path, documents):
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")


@pytest.fixture
def export(tmp_path):
    write_lines(tmp_path / "users.json", [ADMIN])
    write_lines(tmp_path / "rocketchat_permissions.json", PERMISSIONS)
    write_lines(tmp_path / "rocketchat_import.json", OPERATIONS)
    return tmp_path


def status_from(folder):
    app = make_app(EXPORT_DIR=str(folder))
    headers = {"X-User-Id": ADMIN["_id"], "X-Auth-Token": ADMIN_TOKEN}
    return app.test_client().get("/api/v1/import.status", headers=headers)


def test_service_answers_from_the_exports_latest_operation(export):
    response = status_from(export)
    assert response.status_code == 200
    assert response.json == {
        "state": "ready",
        "operation": {
            "_id": "65a000000000000000000002",
            "type": "api",
            "importerKey": "api",
            "ts": "2024-02-01T00:00:00.000Z",
            "status": "importer_user_selection",
            "valid": True,
            "user": "ExpAdm1n23456789a",
            "_updatedAt": "2024-02-01T00:00:05.123Z",
            "count": {"total": 7, "users": 7},
        },
        "success": True,
    }


def test_export_replaces_the_demo_fixtures(export):
    headers = {
        "X-User-Id": DEMO_CREDENTIALS[0]["user_id"],
        "X-Auth-Token": DEMO_CREDENTIALS[0]["token"],
    }
    app = make_app(EXPORT_DIR=str(export))
    assert app.test_client().get("/api/v1/import.status", headers=headers).status_code == 401


def test_json_array_files_with_a_bom_are_read(export):
    (export / "rocketchat_import.json").write_text(
        "\ufeff" + json.dumps(OPERATIONS, indent=2), encoding="utf-8"
    )
    assert status_from(export).json["state"] == "ready"


def test_canonical_extended_json_is_read(tmp_path):
    (tmp_path / "rocketchat_import.json").write_text(
        '{"_id":{"$oid":"65a000000000000000000009"},"ts":{"$date":{"$numberLong":"1704067200000"}},'
        '"valid":true,"status":"importer_new","count":{"total":{"$numberInt":"0"}}}\n'
    )
    (document,) = read_export(tmp_path)["rocketchat_import"]
    assert str(document["_id"]) == "65a000000000000000000009"
    assert document["ts"].year == 2024
    assert document["ts"].tzinfo is None


def test_malformed_line_is_reported_with_file_and_line(export):
    with (export / "users.json").open("a") as f:
        f.write('\n{"_id": "broken", \n')
    with pytest.raises(ExportError, match=r"users\.json:3: "):
        make_app(EXPORT_DIR=str(export), LOG_LEVEL="CRITICAL")


def test_invalid_extended_json_is_reported_with_file_and_line(export):
    write_lines(export / "rocketchat_roles.json", [{"_id": "a"}, {"_id": "b", "x": {"$date": []}}])
    with pytest.raises(ExportError, match=r"rocketchat_roles\.json:2: invalid Extended JSON"):
        read_export(export)


def test_a_line_that_is_not_a_document_is_reported(export):
    (export / "rocketchat_roles.json").write_text('{"_id": "a"}\n[1, 2]\n')
    with pytest.raises(ExportError, match=r"rocketchat_roles\.json:2: expected a document"):
        read_export(export)


def test_malformed_array_is_reported_with_its_line(export):
    (export / "rocketchat_roles.json").write_text('[\n{"_id": "a"},\n{"_id": }\n]\n')
    with pytest.raises(ExportError, match=r"rocketchat_roles\.json:3: "):
        read_export(export)


def test_non_utf8_file_is_reported(export):
    (export / "rocketchat_roles.json").write_bytes(b'{"_id": "\xff"}\n')
    with pytest.raises(ExportError, match="not UTF-8"):
        read_export(export)


def test_duplicate_ids_stop_the_load_before_any_write(export):
    write_lines(export / "rocketchat_permissions.json", PERMISSIONS + PERMISSIONS)
    with pytest.raises(
        ExportError, match=r"permissions\.json:2: duplicate _id 'run-import' \(first at 1\)"
    ):
        make_app(EXPORT_DIR=str(export), LOG_LEVEL="CRITICAL")


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(ExportError, match="not a folder"):
        read_export(tmp_path / "nope")


def test_folder_without_json_files_is_reported(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ExportError, match="no .json"):
        read_export(tmp_path)


def test_mongodump_metadata_files_are_skipped(export):
    (export / "users.metadata.json").write_text('{"indexes": []}')
    assert "users.metadata" not in read_export(export)


def test_the_demo_fixtures_are_an_export_themselves():
    collections = read_export(DEMO_DIR)
    assert {
        "users",
        "rocketchat_permissions",
        "rocketchat_roles",
        "rocketchat_settings",
        "rocketchat_import",
    } <= set(collections)


def test_demo_credentials_match_the_demo_users():
    users = {u["_id"]: u for u in read_export(DEMO_DIR)["users"]}
    for credential in DEMO_CREDENTIALS:
        tokens = users[credential["user_id"]]["services"]["resume"]["loginTokens"]
        assert hash_token(credential["token"]) in {t["hashedToken"] for t in tokens}


def test_the_demo_users_log_in_with_the_demo_password():
    # Through login, which reads the hashes the fixtures hold: Rocket.Chat's form, bcrypt
    # of the SHA-256 hex digest (the contract's test vector is admin's), is ours too.
    client = make_app(SEED_DEMO=True, LOG_LEVEL="CRITICAL").test_client()
    for credential in (DEMO_CREDENTIALS[0], DEMO_CREDENTIALS[2]):
        user = credential["who"].split()[0]
        login = client.post("/api/v1/login", json={"user": user, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.json
        assert login.json["data"]["userId"] == credential["user_id"]
    wrong = client.post("/api/v1/login", json={"user": "admin", "password": "Password"})
    assert wrong.status_code == 401


def test_demo_admin_is_served_import_status():
    app = make_app(SEED_DEMO=True, LOG_LEVEL="CRITICAL")
    for credential in DEMO_CREDENTIALS[:2]:
        headers = {"X-User-Id": credential["user_id"], "X-Auth-Token": credential["token"]}
        body = app.test_client().get("/api/v1/import.status", headers=headers).json
        assert body["success"] is True and body["state"] == "done"


def test_demo_regular_user_is_forbidden():
    app = make_app(SEED_DEMO=True, LOG_LEVEL="CRITICAL")
    alice = DEMO_CREDENTIALS[2]
    headers = {"X-User-Id": alice["user_id"], "X-Auth-Token": alice["token"]}
    assert app.test_client().get("/api/v1/import.status", headers=headers).status_code == 403


def test_embedded_startup_warns_and_prints_the_demo_credentials(caplog):
    with caplog.at_level("WARNING"):
        make_app(SEED_DEMO=True)
    assert "LOST when the process stops" in caplog.text
    for credential in DEMO_CREDENTIALS:
        assert credential["token"] in caplog.text
