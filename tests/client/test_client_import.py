"""bulk-import-users against a live service over HTTP, its import worker running on a thread."""

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.client import importer
from app.client.progress import Progress
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.apps import make_worker
from tests.support.factories import snapshot
from tests.support.live import LiveService, read_report, run
from tests.support.paths import DATA
from tests.support.wire import free_port

PEOPLE = DATA / "people-2000.csv"


@pytest.fixture
def service():
    live = LiveService()
    yield live
    live.close()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The 2,000-line CSV with its 7 bad lines, imported once for the tests that follow."""
    live = LiveService()
    report = tmp_path_factory.mktemp("report") / "errors.csv"
    try:
        result = run(live, PEOPLE, "--report", report, "--chunk-size", 500)
        yield SimpleNamespace(service=live, result=result, report=report)
    finally:
        live.close()


def test_2000_lines_created_and_failed_counts_match_the_file(imported):
    assert imported.result.exit_code == 1, imported.result.output
    assert (
        "2,000 users read: 4 refused before the import, 1,993 created, 3 failed in the run"
        in imported.result.stdout
    )
    assert imported.service.imported_users() == 1993


def test_2000_lines_the_report_lists_exactly_the_failed_lines(imported):
    owner = imported.service.db.users.find_one({"importIds": "hr-00002"})["_id"]
    rows = read_report(imported.report)
    assert [(int(row["line"]), row["reason"]) for row in rows] == [
        (101, "Users are missing required data. (no emails)"),
        (502, "utcOffset: must be number"),
        (803, "8 values for 7 columns"),
        (1204, "One or more of the users have been assigned invalid roles."),
        (1505, "username already in use: DENNIS.JOHNSON.1503"),
        (1906, "email already in use: GUIDO.DIJKSTRA.1@EXAMPLE.ORG"),
        (2001, f"already imported: importId hr-00002 belongs to user {owner}"),
    ]
    assert rows[4]["importIds"] == "hr-01504"
    assert "Pw-2000-secret" not in imported.report.read_text()


def test_2000_lines_progress_is_shown(imported):
    lines = imported.result.stderr.splitlines()
    staged = "100% 1,997/1,997 users sent, 1 refused by import.addUsers"  # 1,996 in the run
    assert f"staging  [########################] {staged}" in lines
    assert lines[-1].startswith(
        "importing [########################] 100% 1,996/1,996  created 1,993  failed in the run 3"
    )


def test_2000_lines_are_sent_in_chunks(imported):
    staged = [c for c in imported.service.calls if c["route"] == "import.addUsers"]
    assert max(c["users"] for c in staged) == 500
    assert sum(c["users"] for c in staged if c["status"] == 200) == 1996


def test_2000_lines_the_routes_are_called_in_order(imported):
    routes = [c["route"] for c in imported.service.calls]
    assert routes[:3] == ["login", "import.status", "import.new"]
    run_at = routes.index("import.run")
    assert set(routes[3:run_at]) == {"import.addUsers"}
    assert set(routes[run_at + 1 : -2]) == {"import.status"}
    assert routes[-2:] == ["import.errors", "logout"]


def test_2000_lines_the_login_token_is_dropped_afterwards(imported):
    assert len(imported.service.tokens_of_admin()["loginTokens"]) == 1


def test_a_clean_file_exits_0_and_writes_no_report(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    people = [
        {"username": f"u{n}", "emails": [f"u{n}@x.org"], "importIds": [str(n)]} for n in range(3)
    ]
    (tmp_path / "people.json").write_text(json.dumps(people))
    result = run(service, tmp_path / "people.json")
    assert result.exit_code == 0, result.output
    assert (
        "3 users read: 0 refused before the import, 3 created, 0 failed in the run" in result.stdout
    )
    assert "Every user was created; no error report." in result.stdout
    assert service.imported_users() == 3
    assert list(tmp_path.iterdir()) == [tmp_path / "people.json"]


@pytest.mark.parametrize(
    "name, text, expected",
    [
        (
            "people.jsonl",
            '{"username": "ann", "emails": ["ann@x.org"], "importIds": ["7"], "utcOffset": "2"}\n',
            {"username": "ann", "importIds": ["7"], "utcOffset": 2},
        ),
        (
            "users.csv",
            "ann,ann@x.org,Ann Lee\n",
            {"username": "ann", "importIds": ["ann"], "name": "Ann Lee", "type": "user"},
        ),
        (
            "people.csv",
            "username,email,email,importId,roles\nann,ann@x.org,a2@x.org,7,bot;user\n",
            {"username": "ann", "importIds": ["7"], "roles": ["bot", "user"]},
        ),
    ],
)
def test_each_format_is_imported(service, tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    result = run(service, tmp_path / name)
    assert result.exit_code == 0, result.output
    user = service.db.users.find_one({"username": "ann"})
    assert {key: user[key] for key in expected} == expected


def test_a_user_id_and_token_from_the_environment_are_used_and_kept(service, tmp_path):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    env = {"ROCKETCHAT_USER_ID": service.admin["_id"], "ROCKETCHAT_AUTH_TOKEN": service.token}
    result = run(service, tmp_path / "users.csv", password=False, **env)
    assert result.exit_code == 0, result.output
    assert [c["route"] for c in service.calls][0] == "me"
    assert "logout" not in [c["route"] for c in service.calls]
    assert len(service.tokens_of_admin()["loginTokens"]) == 1


@pytest.mark.parametrize(
    "name, bad_lines",
    [("crafted.csv", [3, 4, 5, 6, 7, 10, 13]), ("crafted.jsonl", [2, 3, 4, 5, 7, 8])],
)
def test_dry_run_finds_every_bad_line_and_sends_nothing(service, tmp_path, name, bad_lines):
    before = snapshot(service.db)
    result = run(service, DATA / name, "--dry-run", "--report", tmp_path / "errors.csv")
    assert result.exit_code == 1
    found = [
        int(line.split(":")[1])
        for line in result.stdout.splitlines()
        if ".csv:" in line or ".jsonl:" in line
    ]
    assert found == bad_lines
    assert [int(row["line"]) for row in read_report(tmp_path / "errors.csv")] == bad_lines
    assert service.calls == []
    assert snapshot(service.db) == before


def test_dry_run_of_a_good_file_exits_0(service, tmp_path):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    result = run(service, tmp_path / "users.csv", "--dry-run", password=False)
    assert result.exit_code == 0
    assert "Dry run: 1 user read, 0 with problems; nothing was sent." in result.stdout


def test_a_wrong_password_exits_2_and_changes_nothing(service, tmp_path):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    before = snapshot(service.db)
    result = run(service, tmp_path / "users.csv", ROCKETCHAT_PASSWORD="wrong")
    assert result.exit_code == 2
    assert result.stderr == "error: Unauthorized (login answered 401)\n"
    after = snapshot(service.db)
    # Only the failed attempt is recorded, as Rocket.Chat's login protection records it.
    events = after.pop("rocketchat_server_events")
    before.pop("rocketchat_server_events", None)
    assert [event["t"] for event in events] == ["failed-login-attempt"]
    assert after == before


def test_a_caller_without_run_import_changes_nothing(service, tmp_path):
    insert_user_with_password(service.db, username="alice", roles=("user",))
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    result = run(service, tmp_path / "users.csv", ROCKETCHAT_USER="alice")
    assert result.exit_code == 2
    assert "import.status answered 403" in result.stderr
    assert [c["route"] for c in service.calls] == ["login", "import.status", "logout"]


def test_a_running_import_is_not_stopped_without_force(service, tmp_path):
    lease = {"worker": "elsewhere", "claimedAt": factories.now(), "expiresAt": factories.now()}
    lease["expiresAt"] = lease["expiresAt"].replace(year=lease["expiresAt"].year + 1)
    running = factories.insert_operation(
        service.db, status="importer_importing_users", _importLease=lease
    )
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    result = run(service, tmp_path / "users.csv")
    assert result.exit_code == 2
    assert "an import is running on the server" in result.stderr and "--force" in result.stderr
    assert service.db.rocketchat_import.find_one({"_id": running["_id"]})["valid"] is True


def test_an_unreadable_file_sends_nothing(service, tmp_path):
    (tmp_path / "people.csv").write_text('email,importId\na@x.org,1\n"b@x.org,2\n')
    result = run(service, tmp_path / "people.csv")
    assert result.exit_code == 2
    assert "line 3: not valid CSV" in result.stderr and "nothing was sent" in result.stderr
    assert service.calls == []


def test_an_unreachable_server_exits_2(tmp_path):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    unreachable = SimpleNamespace(url=f"http://127.0.0.1:{free_port()}")
    result = run(unreachable, tmp_path / "users.csv", "--timeout", 2)
    assert result.exit_code == 2
    assert result.stderr == f"error: {unreachable.url}: cannot connect (ConnectionError)\n"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ROCKETCHAT_USER": None}, "give --user-id and --auth-token, or --username"),
        ({"ROCKETCHAT_PASSWORD": None}, "give the password with ROCKETCHAT_PASSWORD"),
    ],
)
def test_missing_credentials_exit_2(service, tmp_path, env, message):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    result = run(service, tmp_path / "users.csv", **env)
    assert result.exit_code == 2
    assert message in result.stderr
    assert service.calls == []


def test_a_server_without_import_errors_still_counts_the_failures(tmp_path):
    live = LiveService(without=("import.errors",))
    try:
        factories.insert_user(live.db, username="taken")
        (tmp_path / "users.csv").write_text("taken,t@x.org,T\nann,ann@x.org,Ann\n")
        result = run(live, tmp_path / "users.csv", "--report", tmp_path / "errors.csv")
    finally:
        live.close()
    assert result.exit_code == 1
    assert (
        "2 users read: 0 refused before the import, 1 created, 1 failed in the run" in result.stdout
    )
    assert "1 user refused by a server that keeps no reasons" in result.stdout
    assert not (tmp_path / "errors.csv").exists()


def test_the_installed_console_script_imports_over_http(service, tmp_path):
    command = shutil.which("bulk-import-users", path=str(Path(sys.executable).parent))
    assert command, "the console script is installed with the package"
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\nbob,bob@x.org,Bob\n")
    env = {"PATH": "/usr/bin:/bin", "ROCKETCHAT_USER": "admin", "ROCKETCHAT_PASSWORD": PASSWORD}
    finished = subprocess.run(
        [command, "--url", service.url, "--poll-interval", "0.02", "users.csv"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert (
        "2 users read: 0 refused before the import, 2 created, 0 failed in the run"
        in finished.stdout
    )
    assert "importing [" in finished.stderr
    assert service.imported_users() == 2


def test_an_import_that_makes_no_progress_is_pointed_out(tmp_path, monkeypatch):
    live = LiveService(worker="off")  # and no worker elsewhere: nothing will import
    noted, original_note = threading.Event(), Progress.note

    def note(progress, text):
        original_note(progress, text)
        noted.set()

    def start_a_worker_once_noted():
        if noted.wait(30):
            worker = make_worker(live.db)
            worker.run_pending()
            worker.stop()

    monkeypatch.setattr(importer, "STALL_SECONDS", 0.1)
    monkeypatch.setattr(Progress, "note", note)
    helper = threading.Thread(target=start_a_worker_once_noted)
    helper.start()
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    try:
        result = run(live, tmp_path / "users.csv")
    finally:
        noted.set()
        helper.join(30)
        live.close()
    assert "no progress for 0.1 s: is an import worker running?" in result.stderr
    assert result.exit_code == 0, result.output


def test_a_report_in_a_missing_folder_is_refused_before_anything_is_sent(service, tmp_path):
    (tmp_path / "users.csv").write_text("ann,ann@x.org,Ann\n")
    result = run(service, tmp_path / "users.csv", "--report", tmp_path / "nowhere" / "e.csv")
    assert result.exit_code == 2
    assert "no such folder for the error report" in result.stderr
    assert service.calls == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_exits_2(service, tmp_path):
    (tmp_path / "users.csv").write_text("ann,,Ann\n")
    result = run(service, tmp_path / "users.csv", "--report", "/dev/full")  # always full
    assert result.exit_code == 2
    assert "error: cannot write the error report: [Errno 28]" in result.stderr
