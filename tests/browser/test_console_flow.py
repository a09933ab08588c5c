"""The console's main flow in Chromium: sign in, read a file, choose, import, watch, fix."""

import csv
import io
import json
import re
import time
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.browser.console import ADMIN, ADMIN_PAT, ALICE, read_file, sign_in, users_csv

PEOPLE = Path(__file__).resolve().parents[1] / "data" / "people-2000.csv"
# The seven users of people-2000.csv that cannot be imported, and why (see the README).
PEOPLE_FAILURES = {
    "line 101": "Users are missing required data. (no emails)",
    "line 502": "utcOffset: must be number",
    "line 803": "8 values for 7 columns",
    "line 1204": "One or more of the users have been assigned invalid roles.",
    "line 1505": "username already in use: DENNIS.JOHNSON.1503",
    "line 1906": "email already in use: GUIDO.DIJKSTRA.1@EXAMPLE.ORG",
    "line 2001": "already imported: importId hr-00002 belongs to user",
}


def test_root_redirects_to_the_console_and_sign_in_keeps_the_token_out_of_urls(
    page, admin_api, shot
):
    requests_seen = []
    page.on("request", lambda request: requests_seen.append(request))
    sign_in(page)
    expect(page.get_by_text("Signed in as")).to_contain_text("admin")
    expect(page).to_have_url(re.compile(r"/admin/import$"))
    shot("signed-in")
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('rc-bulk-import.session'))")
    token = stored["token"]
    assert stored["userId"] == ADMIN["user_id"] and len(token) > 20
    api_calls = [r for r in requests_seen if "/api/v1/" in r.url and not r.url.endswith("/login")]
    assert api_calls, "the page made no authenticated call"
    assert all(r.headers.get("x-auth-token") == token for r in api_calls)
    assert not [r.url for r in requests_seen if token in r.url or "password" in r.url]
    assert page.evaluate("document.cookie") == ""


def test_sign_out_revokes_the_login_token(page, admin_api, console_url, shot):
    sign_in(page)
    expect(page.get_by_text("Signed in as")).to_be_visible()
    token = page.evaluate("JSON.parse(sessionStorage.getItem('rc-bulk-import.session')).token")
    with page.expect_request(re.compile(r"/api/v1/logout$")) as logout:
        page.get_by_role("button", name="Sign out").click()
    assert logout.value.headers["x-auth-token"] == token
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status").first).to_have_text("Signed out.")
    shot("signed-out")
    assert page.evaluate("sessionStorage.length") == 0
    headers = {"X-User-Id": ADMIN["user_id"], "X-Auth-Token": token}
    assert requests.get(f"{console_url}/api/v1/me", headers=headers, timeout=10).status_code == 401
    # A reload stays signed out.
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_session_ending_while_the_last_import_is_shown_is_said_not_a_script_error(page):
    # A quick sign-out's race: import.status is answered, then import.errors refused (401).
    operation = {"_id": "earlier", "status": "importer_done", "valid": True, "count": {}}
    done = {"success": True, "state": "done", "operation": operation}
    refused = {"success": False, "error": "You must be logged in to do this."}
    page.route(re.compile(r"/api/v1/import\.status$"), lambda r: r.fulfill(json=done))
    page.route(re.compile(r"/api/v1/import\.errors"), lambda r: r.fulfill(status=401, json=refused))
    sign_in(page)
    expect(page.get_by_text("Signed in as")).to_be_visible()
    # Only this tab's finished import is shown (and its failures loaded): a reload of it.
    page.evaluate("sessionStorage.setItem('rc-bulk-import.operation', '{\"id\":\"earlier\"}')")
    page.reload()
    expect(page.get_by_role("alert")).to_have_text("You must be logged in to do this.")


def test_a_personal_access_token_signs_in_and_is_only_forgotten_on_sign_out(
    page, admin_api, console_url
):
    page.goto("/admin/import")
    page.get_by_label("User id").fill(ADMIN_PAT["user_id"])
    page.get_by_label("Personal access token").fill(ADMIN_PAT["token"])
    page.get_by_role("button", name="Sign in with the token").click()
    expect(page.get_by_text("Signed in as")).to_contain_text("admin")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").first).to_contain_text("still valid")
    headers = {"X-User-Id": ADMIN_PAT["user_id"], "X-Auth-Token": ADMIN_PAT["token"]}
    assert requests.get(f"{console_url}/api/v1/me", headers=headers, timeout=10).status_code == 200


def test_a_wrong_password_shows_rocket_chats_message(page, admin_api):
    sign_in(page, password="not the password")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Sign-in refused: Unauthorized")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "[object Object]" not in page.content()


def test_a_user_without_run_import_is_told_so(page, admin_api, shot):
    sign_in(page, username="alice")
    expect(page.get_by_role("heading", name="No permission to import")).to_be_visible()
    text = page.locator("#no-permission-text")
    expect(text).to_contain_text("alice is signed in but may not import users")
    expect(text).to_contain_text(
        "The server said: User does not have the permissions required for this action"
    )
    expect(text).not_to_contain_text("[error-unauthorized]")  # no machine code for a person
    expect(page.locator("#start")).to_be_hidden()
    expect(page.locator("#history-note")).to_contain_text("view-import-operations")
    shot("no-permission")
    assert ALICE["user_id"] == page.evaluate(
        "JSON.parse(sessionStorage.getItem('rc-bulk-import.session')).userId"
    )


def test_people_2000_imports_with_a_live_bar_and_lists_the_7_failures(page, admin_api, shot):
    sign_in(page)
    read_file(page, PEOPLE)
    expect(page.locator("#select-summary")).to_have_text("1,997 of 1,997 users selected.")
    shot("selection")
    page.get_by_role("button", name="Import the selected users").click()
    bar = page.locator("#import-bar")
    seen, rates, shots = set(), set(), []
    deadline = time.monotonic() + 180
    while not page.locator("#summary").is_visible():
        assert time.monotonic() < deadline, "the import did not finish in 3 minutes"
        if page.locator("#state").text_content().startswith("Importing"):
            seen.add(int(bar.get_attribute("value")))
            rates.add(page.locator("#count-rate").text_content())
            if len(seen) == 2 and not shots:
                shots.append(shot("importing"))
        page.wait_for_timeout(250)
    # The bar moved while importing (values strictly between empty and full), with a rate.
    assert any(0 < value < 1996 for value in seen), seen
    assert rates - {"–"}, rates
    expect(page.locator("#state")).to_have_text("Done: the import is finished.")
    expect(bar).to_have_attribute("value", "1996")
    expect(page.locator("#count-created")).to_have_text("1,993")
    expect(page.locator("#summary")).to_contain_text(
        "2,000 users read: 4 refused before the import, 1,993 created, 3 failed in the run."
    )
    rows = page.locator("#errors-table tbody tr")
    expect(rows).to_have_count(7)
    shot("done-with-failures")
    for where, reason in PEOPLE_FAILURES.items():
        expect(rows.filter(has_text=where)).to_contain_text(reason)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert {f"line {row['line']}": row["reason"][:40] for row in report} == {
        where: reason[:40] for where, reason in PEOPLE_FAILURES.items()
    }
    assert all("secret" not in str(row) for row in report)  # never a password
    status = admin_api.get("import.status")
    assert status["state"] == "done" and status["operation"]["count"]["completed"] == 1993


def test_a_subset_chosen_by_search_is_imported_and_nobody_else(page, admin_api, tmp_path, shot):
    users = [
        (
            f"subset.{team}.{n}",
            f"subset.{team}.{n}@example.org",
            f"subset-{team}-{n}",
            f"{team} {n}",
            "pw-subset-1",
        )
        for team in ("red", "blue")
        for n in range(3)
    ]
    sign_in(page)
    read_file(page, users_csv(tmp_path / "teams.csv", users))
    expect(page.locator("#select-summary")).to_have_text("6 of 6 users selected.")
    page.get_by_role("button", name="Select none").click()
    page.get_by_label("Search by username or email").fill("subset.red")
    expect(page.locator("#select-summary")).to_have_text(
        "0 of 6 users selected. 3 match the search."
    )
    page.get_by_role("button", name="Select the matching users", exact=True).click()
    page.get_by_label("Search by username or email").fill("")
    expect(page.locator("#users-table tbody tr")).to_have_count(6)
    page.get_by_label("Import subset.red.2").uncheck()
    expect(page.locator("#select-summary")).to_have_text("2 of 6 users selected.")
    shot("subset-chosen")
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#state")).to_have_text("Done: the import is finished.", timeout=60_000)
    expect(page.locator("#count-total")).to_have_text("2")
    expect(page.locator("#count-created")).to_have_text("2")
    shot("subset-done")
    created = {u[0] for u in users if admin_api.can_log_in(u[0], "pw-subset-1")}
    assert created == {"subset.red.0", "subset.red.1"}


def test_a_file_the_server_refuses_shows_its_message(page, admin_api, tmp_path):
    # An unknown role passes the browser's checks; import.addUsers refuses it.
    path = tmp_path / "roles.csv"
    path.write_text("username,email,importId,roles\nrole.x,role.x@example.org,role-x,emperor\n")
    sign_in(page)
    read_file(page, path)
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#state")).to_have_text(
        "Nothing was staged: every selected user was refused."
    )
    expect(page.locator("#errors-table tbody")).to_contain_text(
        "One or more of the users have been assigned invalid roles."
    )


def test_a_file_that_is_not_csv_is_refused_before_anything_is_sent(page, admin_api, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('username,email,importId\n"never closed,a@example.org,x\n')
    before = admin_api.get("import.status")
    sign_in(page)
    read_file(page, path)
    expect(page.get_by_role("alert")).to_have_text("line 2: a quoted value is never closed")
    assert admin_api.get("import.status") == before


def test_an_empty_selection_cannot_be_imported(page, admin_api, tmp_path):
    sign_in(page)
    read_file(
        page,
        users_csv(
            tmp_path / "one.csv", [("only.one", "only.one@example.org", "only-1", "One", "")]
        ),
    )
    page.get_by_role("button", name="Select none").click()
    expect(page.get_by_role("button", name="Import the selected users")).to_be_disabled()


def finish_an_operation_with_bob(admin_api):
    """Import, through the API, the demo's bob again: an operation done, with a failed user."""
    admin_api.post("import.new")
    bob = {"username": "bob", "emails": ["bob.earlier@example.org"], "importIds": ["earlier-1"]}
    admin_api.post("import.addUsers", {"users": [bob]})
    admin_api.post("import.run")
    deadline = time.monotonic() + 30
    while admin_api.get("import.status")["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_new_file_shows_only_its_own_failures_not_the_last_operations(page, admin_api, tmp_path):
    # An earlier operation, finished with a failed user (the demo's bob is taken).
    finish_an_operation_with_bob(admin_api)
    sign_in(page)
    expect(page.locator("#history-table tbody tr").first).to_contain_text("Done")
    expect(page.locator("#fix")).to_be_hidden()  # not this tab's operation: history only
    path = tmp_path / "own.csv"
    path.write_text("username,email,importId\nown.1,,own-1\nown.2,own.2@example.org,own-2\n")
    read_file(page, path)
    rows = page.locator("#errors-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("line 2")
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#state")).to_have_text("Done: the import is finished.", timeout=30_000)
    expect(page.locator("#count-created")).to_have_text("1")
    expect(rows).to_have_count(1)


def test_signing_in_after_anothers_finished_import_lists_it_and_loads_the_history_once(
    page, admin_api
):
    finish_an_operation_with_bob(admin_api)
    lists = []
    page.on(
        "request", lambda r: lists.append(r.url) if "getLatestImportOperations" in r.url else None
    )
    sign_in(page)
    expect(page.locator("#history-table tbody tr").first).to_contain_text("Done")
    expect(page.locator("#watch")).to_be_hidden()  # not this tab's: not shown as its own
    page.wait_for_timeout(1500)  # nothing polls a finished operation: no later load either
    assert len(lists) == 1, lists


def test_users_staged_through_the_api_are_imported_with_one_button(page, admin_api):
    admin_api.post("import.new")
    staged = {"username": "staged.1", "emails": ["staged.1@example.org"], "importIds": ["st-1"]}
    admin_api.post("import.addUsers", {"users": [staged]})
    sign_in(page)
    button = page.get_by_role("button", name="Import the staged users")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#state")).to_have_text("Done: the import is finished.", timeout=30_000)
    expect(page.locator("#count-created")).to_have_text("1")
    expect(button).to_be_hidden()
    assert admin_api.get("import.status")["operation"]["count"]["completed"] == 1


def test_json_and_json_lines_files_are_read_with_their_problems_located(page, admin_api, tmp_path):
    people = [
        {"username": "json.1", "emails": ["json.1@example.org"], "importIds": ["json-1"]},
        {"username": "json.2", "emails": [], "importIds": ["json-2"]},
        {
            "username": "json.3",
            "emails": ["json.3@example.org"],
            "importIds": ["json-3"],
            "deleted": "true",
            "type": "bot",
        },
    ]
    (tmp_path / "people.json").write_text(json.dumps(people))
    sign_in(page)
    read_file(page, tmp_path / "people.json")
    expect(page.locator("#select-summary")).to_have_text("2 of 2 users selected.")
    expect(page.locator("#users-table tbody tr").nth(1)).to_have_text(
        re.compile(r"json\.3\s*json\.3@example\.org\s*yes\s*yes")
    )
    errors = page.locator("#errors-table tbody")
    expect(errors).to_contain_text("record 2")
    expect(errors).to_contain_text("Users are missing required data. (no emails)")

    lines = [json.dumps(people[0]).replace("json.1", "jsonl.1"), "{not json", ""]
    lines.append(json.dumps({**people[0], "utcOffset": "soon"}).replace("json.1", "jsonl.4"))
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n")
    read_file(page, tmp_path / "people.jsonl")
    expect(page.locator("#select-summary")).to_have_text("1 of 1 users selected.")
    expect(errors.locator("tr")).to_have_count(2)
    expect(errors.locator("tr").nth(0)).to_contain_text("line 2")
    expect(errors.locator("tr").nth(0)).to_contain_text("not JSON")
    expect(errors.locator("tr").nth(1)).to_contain_text("line 4")
    expect(errors.locator("tr").nth(1)).to_contain_text("utcOffset: must be number")


DROP = """([name, text]) => {
  const data = new DataTransfer();
  data.items.add(new File([text], name, {type: 'text/csv'}));
  const zone = document.getElementById('drop-zone');
  for (const type of ['dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def test_a_dropped_file_is_imported_and_shows_in_the_history(page, admin_api):
    sign_in(page)
    expect(page.locator("#history-table tbody tr").first).to_be_visible()
    text = "username,email,importId\ndropped.1,dropped.1@example.org,dropped-1\n"
    page.evaluate(DROP, ["dropped.csv", text])
    expect(page.locator("#drop-help")).to_have_text(f"Dropped: dropped.csv ({len(text)} bytes).")
    page.get_by_role("button", name="Read the file").click()
    expect(page.locator("#select-summary")).to_have_text("1 of 1 users selected.")
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#state")).to_have_text("Done: the import is finished.", timeout=30_000)
    latest = page.locator("#history-table tbody tr").first
    # Started, importer, outcome, step, users, created, failed in the run.
    done = r"api\s*Done: the import is finished\.\s*Done\s*1\s*1\s*0$"
    expect(latest).to_have_text(re.compile(done))
