"""downloadPublicImportFile: URLs fetched by the worker, internal addresses refused, and
server paths read only under IMPORT_FILE_FOLDER."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.contract import states
from app.models import import_files
from tests.support import factories, importfiles
from tests.support.apps import make_worker
from tests.support.factories import snapshot
from tests.support.fileroutes import imported, status

ZIP = importfiles.users_zip(rows=3)


class _Files(BaseHTTPRequestHandler):
    seen = []  # what `on_request` found, one entry per request to /watched.zip
    on_request = None

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/watched.zip":
            _Files.seen.append(_Files.on_request())
            self._send(ZIP)
        elif self.path.startswith("/users.zip"):
            self._send(ZIP)
        elif self.path == "/slow.zip":
            time.sleep(2)
            self._send(ZIP)
        elif self.path == "/big.zip":
            self._send(b"PK\x03\x04" + b"\0" * 200_000)
        else:
            self.send_error(404)

    def _send(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def files_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def allowed(app):
    app.config["IMPORT_URL_ALLOWLIST"] = ("127.0.0.1",)
    app.config["IMPORT_DOWNLOAD_TIMEOUT_SECONDS"] = 0.5
    app.config["MAX_IMPORT_FILE_BYTES"] = 100_000


@pytest.fixture
def file_worker(app, db):
    def make():
        names = ("IMPORT_URL_ALLOWLIST", "IMPORT_DOWNLOAD_TIMEOUT_SECONDS", "MAX_IMPORT_FILE_BYTES")
        return make_worker(db, worker_id="file-worker", **{n: app.config[n] for n in names})

    return make


def download(admin, url, importer="csv"):
    return admin.post("downloadPublicImportFile", json={"fileUrl": url, "importerKey": importer})


def test_a_url_is_downloaded_in_the_background(admin, db, files_url, allowed, file_worker):
    response = download(admin, f"{files_url}/users.zip?token=secret")
    assert response.status_code == 200
    assert response.json == {"success": True}
    waiting = status(admin)
    assert waiting["operation"]["status"] == "importer_downloading_file"
    assert waiting["state"] == "loading"
    assert "secret" not in str(admin.get("getCurrentImportOperation").json)
    file_worker().run_pending()
    ready = status(admin)
    assert ready["state"] == "ready", ready
    assert ready["operation"]["file"].endswith("_users.zip")
    assert ready["operation"]["count"]["users"] == 3
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    file_worker().run_pending()
    assert imported(db) == ["user0", "user1", "user2"]


def test_a_loopback_url_is_refused_unless_allowed(admin, db, files_url, file_worker):
    response = download(admin, f"{files_url}/users.zip")
    assert response.status_code == 400
    assert response.json == {"success": False, "error": "error-ssrf-validation-failed"}
    answer = status(admin)
    assert answer["state"] == "error"
    assert answer["operation"]["status"] == "importer_import_failed"
    file_worker().run_pending()
    assert imported(db) == []


@pytest.mark.parametrize(
    ("url", "api_key"),
    [
        ("http://10.0.0.1/x.zip", None),
        ("http://169.254.169.254/latest/meta-data", None),
        ("http://[::1]/x.zip", None),
        ("http://192.168.1.1/x.zip", None),
    ],
)
def test_private_and_link_local_addresses_are_refused(admin, url, api_key):
    response = download(admin, url)
    assert response.json == {"success": False, "error": "error-ssrf-validation-failed"}
    assert status(admin)["operation"]["status"] == "importer_import_failed"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/missing.zip", "404"), ("/slow.zip", "within 0.5 seconds"), ("/big.zip", "100000")],
)
def test_a_download_that_fails_fails_the_operation_with_why(
    admin, db, files_url, allowed, file_worker, path, reason
):
    assert download(admin, f"{files_url}{path}").status_code == 200
    file_worker().run_pending()
    answer = status(admin)
    assert answer["state"] == "error"
    message = answer["operation"]["errorMessage"]
    assert reason in message.lower(), message
    assert admin.get("getImportFileData").json["errorType"] == "error-import-failed"
    assert imported(db) == []


def test_a_server_path_is_read_only_under_the_import_folder(app, admin, db, tmp_path, file_worker):
    (tmp_path / "export.zip").write_bytes(ZIP)
    before = snapshot(db)
    disabled = download(admin, str(tmp_path / "export.zip"))
    assert disabled.json["errorType"] == "error-import-file-missing"
    assert "no import folder is configured" in disabled.json["error"]
    assert snapshot(db) == before

    app.config["IMPORT_FILE_FOLDER"] = str(tmp_path / "imports")
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "export.zip").write_bytes(ZIP)
    outside = download(admin, "../export.zip")
    assert outside.json["errorType"] == "error-import-file-missing"
    assert "outside the import folder" in outside.json["error"]
    missing = download(admin, "nothing.zip")
    assert missing.json == {
        "success": False,
        "error": "nothing.zip [error-import-file-missing]",
        "errorType": "error-import-file-missing",
        "details": "downloadImportFile",
    }
    assert snapshot(db) == before

    assert download(admin, "export.zip").status_code == 200
    assert status(admin)["operation"]["status"] == "importer_file_loaded"
    file_worker().run_pending()
    assert status(admin)["operation"]["count"]["users"] == 3


def test_download_body_is_validated_with_ajv_wording(admin):
    response = admin.post("downloadPublicImportFile", json={"fileUrl": "x"})
    assert response.json["error"] == "must have required property 'importerKey' [invalid-params]"


def test_a_download_whose_worker_died_is_made_again(admin, db, files_url, allowed, file_worker):
    assert download(admin, f"{files_url}/users.zip").status_code == 200
    operation = db.rocketchat_import.find_one({"valid": True})
    # The dead worker had stored part of the file; its lease has expired.
    partial = import_files.store(db, "users.zip", [b"PK\x03\x04half"], max_bytes=100)
    db.rocketchat_import.update_one(
        {"_id": operation["_id"]},
        {
            "$set": {
                states.FILE_ID: partial.id,
                states.LEASE: factories.expired_lease(),
            }
        },
    )
    file_worker().run_pending()
    ready = status(admin)
    assert ready["state"] == "ready"
    assert ready["operation"]["count"]["users"] == 3
    assert import_files.open_file(db, partial.id) is None
    assert db[import_files.FILES].count_documents({}) == 1


def test_a_download_records_its_file_before_the_first_byte_arrives(
    admin, db, files_url, allowed, file_worker, monkeypatch
):
    # A worker killed mid-download leaves chunks behind: the operation must already name
    # them, so that the next attempt, import.new or import.clear deletes them.
    def recorded():
        return db.rocketchat_import.find_one({"valid": True}).get(states.FILE_ID)

    monkeypatch.setattr(_Files, "on_request", staticmethod(recorded))
    monkeypatch.setattr(_Files, "seen", [])
    assert download(admin, f"{files_url}/watched.zip").status_code == 200
    file_worker().run_pending()
    operation = db.rocketchat_import.find_one({"valid": True})
    assert status(admin)["state"] == "ready"
    assert _Files.seen == [operation[states.FILE_ID]]
    assert admin.post("import.new").status_code == 200
    assert db[import_files.CHUNKS].count_documents({}) == 0
