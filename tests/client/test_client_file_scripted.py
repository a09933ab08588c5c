"""bulk-import-users --importer against a scripted server: what a real Rocket.Chat answers.

The live service has every route of the file path (tests/client/test_client_file_import.py); a
Rocket.Chat differs: it takes only the base64 JSON body, prepares inside getImportFileData,
and 6.x knows only the full selection. These answers are scripted here, from its validators.
"""

import base64
import json
import threading
import time
import zipfile

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from app.client.main import main

OK = {"success": True}
NO_BINARY_CONTENT = (
    400,
    {
        "success": False,
        "error": "must have required property 'binaryContent' [invalid-params]",
        "errorType": "invalid-params",
    },
)
OPERATION = {"_id": "op1", "status": "importer_file_loaded", "count": {}}


class RouteScript:
    """Answers each route with its next scripted (status, body); the last one repeats."""

    def __init__(self, **answers):
        self.answers = {route.replace("_", "."): list(a) for route, a in answers.items()}
        self.requests = []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        route = environ["PATH_INFO"].rsplit("/", 1)[-1]
        self.requests.append(
            {
                "route": route,
                "query": environ["QUERY_STRING"],
                "type": environ.get("CONTENT_TYPE"),
                "body": body,
            }
        )
        queue = self.answers.get(route) or [(404, {"success": False, "error": "not found"})]
        status, answer, *delay = queue.pop(0) if len(queue) > 1 else queue[0]
        time.sleep(delay[0] if delay else 0)  # a server slow to answer
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    def routes(self):
        return [r["route"] for r in self.requests]

    def bodies(self, route):
        return [r["body"] for r in self.requests if r["route"] == route]


@pytest.fixture
def serve():
    servers = []

    def start(script):
        server = make_server("127.0.0.1", 0, script, threaded=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


def status(state, **operation):
    return 200, {"state": state, "operation": {**OPERATION, **operation}, "success": True}


def selection(users=2, channels=1):
    return 200, {
        "name": "CSV",
        "users": [
            {"user_id": f"u{n}", "username": f"u{n}", "email": f"u{n}@x.org", "do_import": True}
            for n in range(users)
        ],
        "channels": [
            {"channel_id": f"c{n}", "name": f"c{n}", "do_import": True} for n in range(channels)
        ],
        "message_count": 3,
        "success": True,
    }


def rocket_chat(**changes):
    """A Rocket.Chat 6.x: base64 only, prepares on the first getImportFileData."""
    answers = {
        "me": [(200, {"username": "admin", "success": True})],
        "import_status": [
            status("new", status="importer_done"),
            status("loading"),
            status("loading", status="importer_preparing_users", count={"users": 2}),
            status("ready"),
            status("importing", status="importer_importing_users", count={"total": 2}),
            status("done", status="importer_done", count={"total": 2, "completed": 2}),
        ],
        "uploadImportFile": [NO_BINARY_CONTENT, (200, OK)],
        "getImportFileData": [(200, {"waiting": True, "success": True}), selection()],
        "startImport": [(200, OK)],
    }
    return RouteScript(**{**answers, **changes})


def a_zip(path, rows=2):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("users.csv", "".join(f"u{n},u{n}@x.org,U {n}\n" for n in range(rows)))
    return path


def run(url, *args):
    env = {"ROCKETCHAT_USER_ID": "admin", "ROCKETCHAT_AUTH_TOKEN": "token"}
    env.update(dict.fromkeys(("ROCKETCHAT_USER", "ROCKETCHAT_PASSWORD")))
    return CliRunner().invoke(
        main, ["--url", url, "--poll-interval", "0.01", *map(str, args)], env=env
    )


def test_a_rocket_chat_gets_the_base64_body_after_refusing_the_streamed_one(serve, tmp_path):
    script = rocket_chat()
    path = a_zip(tmp_path / "export.zip")
    result = run(serve(script), "--importer", "csv", path)
    assert result.exit_code == 0, result.output
    streamed, as_json = script.requests[2], script.requests[3]
    assert streamed["route"] == as_json["route"] == "uploadImportFile"
    assert streamed["query"] == "importerKey=csv&fileName=export.zip"
    assert (streamed["type"], streamed["body"]) == ("application/zip", path.read_bytes())
    body = json.loads(as_json["body"])
    assert set(body) == {"binaryContent", "contentType", "fileName", "importerKey"}
    assert base64.b64decode(body["binaryContent"]) == path.read_bytes()
    assert (body["fileName"], body["importerKey"], body["contentType"]) == (
        "export.zip",
        "csv",
        "application/zip",
    )
    assert "the server takes no streamed upload" in result.stderr
    assert (
        "2 users read: 0 refused before the import, 2 created, 0 failed in the run" in result.stdout
    )


def test_the_7_0_selection_is_sent_first(serve, tmp_path):
    script = rocket_chat()
    run(serve(script), "--importer", "csv", a_zip(tmp_path / "export.zip"))
    assert [json.loads(b) for b in script.bodies("startImport")] == [
        {"input": {"users": {"all": True}, "channels": {"all": True}}}
    ]


def test_a_6_x_server_gets_the_full_selection_every_user_and_channel(serve, tmp_path):
    refused = (400, {**NO_BINARY_CONTENT[1], "error": "must be array [invalid-params]"})
    script = rocket_chat(startImport=[refused, (200, OK)])
    result = run(serve(script), "--importer", "csv", a_zip(tmp_path / "export.zip"))
    assert result.exit_code == 0, result.output
    full = json.loads(script.bodies("startImport")[1])["input"]
    assert [(u["user_id"], u["do_import"]) for u in full["users"]] == [("u0", True), ("u1", True)]
    assert [(c["channel_id"], c["do_import"]) for c in full["channels"]] == [("c0", True)]


def test_the_preparation_is_shown_and_what_is_left_out_said(serve, tmp_path):
    result = run(serve(rocket_chat()), "--importer", "csv", a_zip(tmp_path / "export.zip"))
    assert "preparing preparing_users  2 users" in result.stderr
    assert (
        "export.zip: 2 users to import, 1 channel (0 members);"
        " 3 messages not imported (rooms and members only)."
    ) in result.stderr


def test_a_refused_upload_is_not_sent_again_as_base64(serve, tmp_path):
    too_large = {
        "success": False,
        "error": "The file is larger than the limit of 10 bytes [error-file-too-large]",
        "errorType": "error-file-too-large",
    }
    script = rocket_chat(uploadImportFile=[(400, too_large)])
    result = run(serve(script), "--importer", "csv", a_zip(tmp_path / "export.zip"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "error: The file is larger than the limit of 10 bytes"
        " (uploadImportFile answered 400, error-file-too-large)\n"
    )
    assert script.routes().count("uploadImportFile") == 1
    assert "startImport" not in script.routes()


def test_an_empty_selection_imports_nothing(serve, tmp_path):
    script = rocket_chat(getImportFileData=[selection(users=0, channels=0)])
    result = run(serve(script), "--importer", "slack-users", tmp_path.joinpath("m.csv"))
    assert result.exit_code == 1
    assert "No users in" in result.stdout
    assert "startImport" not in script.routes()


@pytest.fixture(autouse=True)
def _member_list(tmp_path):
    tmp_path.joinpath("m.csv").write_text("username,email,status\n")


def test_an_unknown_importer_is_named_with_the_servers_importers(serve, tmp_path):
    unknown = {
        "success": False,
        "error": "The importer (slack) has no import class defined. [error-importer-not-defined]",
        "errorType": "error-importer-not-defined",
        "details": "uploadImportFile",
    }
    listed = [{"key": "csv", "name": "CSV"}, {"key": "slack-users", "name": "Slack_Users"}]
    script = rocket_chat(uploadImportFile=[(400, unknown)], importers_list=[(200, listed)])
    result = run(serve(script), "--importer", "slack", a_zip(tmp_path / "export.zip"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "error: The importer (slack) has no import class defined; the server's importers are:"
        " csv, slack-users (uploadImportFile answered 400, error-importer-not-defined)\n"
    )


def test_a_failed_preparation_stops_with_the_servers_reason(serve, tmp_path):
    reason = "users.csv line 3: not UTF-8 text (invalid start byte)"
    failed = status("error", status="importer_import_failed", errorMessage=reason)
    script = rocket_chat(
        import_status=[status("new", status="importer_done"), status("loading"), failed],
        getImportFileData=[(200, {"waiting": True, "success": True})],
    )
    result = run(serve(script), "--importer", "csv", a_zip(tmp_path / "export.zip"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: the server could not prepare export.zip, nothing was imported: {reason}\n"
    )
    assert "startImport" not in script.routes()


def test_a_start_import_that_answers_late_is_followed_if_the_import_started(serve, tmp_path):
    statuses = [
        status("new", status="importer_done"),
        status("loading"),
        status("loading", status="importer_preparing_users", count={"users": 2}),
        status("importing", status="importer_importing_started", count={"total": 2}),
        status("done", status="importer_done", count={"total": 2, "completed": 2}),
    ]
    script = rocket_chat(startImport=[(200, OK, 3)], import_status=statuses)
    path = a_zip(tmp_path / "export.zip")
    result = run(serve(script), "--importer", "csv", path, "--timeout", 1)
    assert result.exit_code == 0, result.output
    assert "startImport did not answer in time, but the import has started" in result.stderr
    assert script.routes().count("startImport") == 1
    assert (
        "2 users read: 0 refused before the import, 2 created, 0 failed in the run" in result.stdout
    )


def test_a_start_import_that_answers_late_and_started_nothing_stops(serve, tmp_path):
    waiting = [status("new", status="importer_done"), status("loading"), status("ready")]
    script = rocket_chat(startImport=[(200, OK, 3)], import_status=waiting)
    result = run(serve(script), "--importer", "csv", a_zip(tmp_path / "export.zip"), "--timeout", 1)
    assert result.exit_code == 2
    assert result.stderr.endswith("no answer within 1 s\n")
    assert script.routes().count("startImport") == 1
