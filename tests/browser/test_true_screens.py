"""The console shows only what is true of the current operation: after a failed upload,
after a Clear, on a fresh demo; and one reconciliation, the command line's, in its words.

Copies of the three screens' screenshots (artifacts/screenshots/) are in docs/console-*.png.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from app.client.main import main
from app.fixtures import DEMO_PASSWORD
from tests.browser.console import import_selected, read_file, served_demo, sign_in, users_csv
from tests.support.importfiles import bad_users_zip

CSV_ZIP = "CSV zip (users.csv, channels.csv)"
CLEARED = (
    "Cleared: no import operation is current and the staging area is empty. Users already"
    " created stay; the cleared operation is listed under Recent operations."
)
# What no screen may say of an operation it does not show (the history lists past ones).
STALE = re.compile(r"the server is reading|Stopped: the operation failed|Done: the import is")
OUTSIDE_THE_HISTORY = """() => [...document.querySelectorAll("main > :not(#history)")]
  .filter((part) => part.checkVisibility()).map((part) => part.innerText).join("\\n")"""


def small_import(page, tmp_path, prefix):
    users = [
        (f"{prefix}.{n}", f"{prefix}.{n}@example.org", f"{prefix}-{n}", "P", "") for n in (1, 2)
    ]
    read_file(page, users_csv(tmp_path / f"{prefix}.csv", users))
    import_selected(page)  # its summary is on the page


def test_after_a_failed_upload_only_why_is_shown(page, admin_api, tmp_path, shot):
    sign_in(page)
    small_import(page, tmp_path, "before.failed")  # a summary of an earlier operation
    path = tmp_path / "latin-1.zip"
    path.write_bytes(bad_users_zip("latin-1"))
    read_file(page, path, importer=CSV_ZIP)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The file could not be read: users.csv line 2: byte 0xe9")
    expect(page.locator("#upload-label")).to_have_text("Uploaded; the server could not read it")
    for part in ("#watch", "#summary", "#fix", "#select"):
        expect(page.locator(part)).to_be_hidden()
    expect(page.locator("#announce")).to_be_hidden()  # no "uploaded: the server is reading it"
    first = page.locator("#history-table tbody tr").first
    expect(first).to_contain_text("Failed: the server could not read the file.")
    assert not STALE.search(page.evaluate(OUTSIDE_THE_HISTORY))
    shot("after-failed-upload")


def test_after_a_clear_no_operation_is_shown(page, admin_api, tmp_path, shot):
    sign_in(page)
    small_import(page, tmp_path, "before.clear")
    page.get_by_role("button", name="Clear the operation").click()
    page.get_by_role("dialog").get_by_role("button", name="Clear it").click()
    expect(page.locator("#announce")).to_have_text(CLEARED)
    for part in ("#watch", "#summary", "#fix", "#select", "#upload-progress"):
        expect(page.locator(part)).to_be_hidden()
    expect(page.get_by_role("heading", name="Start an import")).to_be_focused()
    assert admin_api.get("import.status")["operation"]["valid"] is False
    assert not STALE.search(page.evaluate(OUTSIDE_THE_HISTORY))
    shot("after-clear")
    page.reload()  # a reload shows the same: the cleared operation is in the history only
    expect(page.get_by_role("heading", name="Start an import")).to_be_visible()
    expect(page.locator("#watch")).to_be_hidden()


@pytest.fixture(scope="module")
def fresh_demo(tmp_path_factory):
    """A demo served for this module alone, as a newcomer finds it."""
    yield from served_demo(tmp_path_factory)


def test_a_fresh_demo_shows_where_to_start_and_the_past_in_the_history(page, fresh_demo, shot):
    page.goto(f"{fresh_demo}/")
    page.get_by_label("Username or email", exact=True).fill("admin")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Start an import")).to_be_focused()
    # The demo's operations are the past: never presented as the newcomer's own import,
    # listed in the history with when each started.
    expect(page.get_by_role("heading", name="Recent operations")).to_be_visible()
    for part in ("#watch", "#summary", "#fix", "#select"):
        expect(page.locator(part)).to_be_hidden()
    rows = page.locator("#history-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Done: the import is finished.")
    headings = page.locator("main h2:visible").all_inner_texts()
    assert headings == ["Start an import", "Recent operations"], headings
    shot("fresh-demo")


def test_no_heading_is_numbered(page, admin_api):
    sign_in(page)
    expect(page.get_by_role("heading", name="Start an import")).to_be_visible()
    assert not [h for h in page.locator("h2").all_inner_texts() if re.match(r"\d", h)]


# --- one reconciliation --------------------------------------------------------------------


def mixed_file(path, prefix):
    """Five users: one refused by the browser's checks (no email), one by import.addUsers (an
    unknown role), one failing in the run (the demo's bob: the username is taken), two good."""
    rows = [
        "username,email,importId,roles",
        f"{prefix}.ok1,{prefix}.ok1@example.org,{prefix}-1,user",
        f"{prefix}.noemail,,{prefix}-2,user",
        f"{prefix}.role,{prefix}.role@example.org,{prefix}-3,emperor",
        f"bob,{prefix}.bob@example.org,{prefix}-4,user",
        f"{prefix}.ok2,{prefix}.ok2@example.org,{prefix}-5,user",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


SENTENCE = "5 users read: 2 refused before the import, 2 created, 1 failed in the run"


def test_the_console_and_the_command_line_reconcile_alike(page, admin_api, console_url, tmp_path):
    sign_in(page)
    read_file(page, mixed_file(tmp_path / "console.csv", "recon.web"))
    import_selected(page)
    expect(page.locator("#summary")).to_have_text(
        re.compile(rf"^Finished after .*\. {SENTENCE}\.$")
    )
    expect(page.locator("#count-failed")).to_have_text("1")  # failed in the run, as the summary
    expect(page.locator("#fix-summary")).to_have_text(
        "3 users were not imported: 2 refused before the import (in the browser or by"
        " import.addUsers); 1 failed in the run (import.errors)."
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    console_report = Path(download.value.path()).read_text("utf-8")

    report = tmp_path / "cli.errors.csv"
    file = mixed_file(tmp_path / "cli.csv", "recon.cli")
    env = {"ROCKETCHAT_URL": console_url, "ROCKETCHAT_USER": "admin"}
    env["ROCKETCHAT_PASSWORD"] = DEMO_PASSWORD
    args = [str(file), "--report", str(report), "--no-progress", "--poll-interval", "0.2"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.stdout.startswith(f"{SENTENCE}; in "), result.stdout + result.stderr

    def shape(text, prefix):
        rows = list(csv.DictReader(io.StringIO(text)))
        return [
            {
                **row,
                "username": row["username"].replace(prefix, "P"),
                "emails": row["emails"].replace(prefix, "P"),
                "importIds": row["importIds"].replace(prefix, "P"),
            }
            for row in rows
        ]

    assert console_report.splitlines()[0] == "line,username,emails,importIds,part,reason"
    assert shape(console_report, "recon.web") == shape(report.read_text("utf-8"), "recon.cli")
