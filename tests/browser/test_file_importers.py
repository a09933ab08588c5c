"""The file importers through the page: upload a CSV zip, see its users, import a subset."""

import re

from playwright.sync_api import expect

from tests.browser.console import import_selected, read_file, sign_in
from tests.support.importfiles import BAD_USERS_CSV, SLACK_HEADER, bad_users_zip, zip_of

CSV_ZIP = "CSV zip (users.csv, channels.csv)"


def test_a_csv_zip_is_uploaded_chosen_from_and_imported_in_part(page, admin_api, tmp_path, shot):
    users = (
        b"".join(f"zipper.{n},zipper.{n}@example.org,Zipper {n}\n".encode() for n in range(5))
        + b"demo-1001,someone@example.org,Someone\n"
    )  # a new user, but its import id (its username, in a CSV) is the demo's bob's
    channels = b"zipchan,zipper.0,public,zipper.0;zipper.1\n"
    path = tmp_path / "export.zip"
    path.write_bytes(zip_of({"users.csv": users, "channels.csv": channels}))
    sign_in(page)
    expect(page.get_by_label("Importer").locator("option")).to_contain_text(
        [CSV_ZIP, "Slack member list (CSV)"]
    )
    read_file(page, path, importer=CSV_ZIP)
    expect(page.locator("#select-summary")).to_have_text("6 of 6 users selected.", timeout=30_000)
    expect(page.locator("#upload-bar")).to_have_attribute("value", "1")  # the upload completed
    expect(page.locator("#announce")).to_have_text("The file holds 6 users and 1 channel.")
    expect(page.locator("#with-channels-label")).to_have_text(
        "Also create the file's 1 channel and add their members"
    )
    expect(page.locator("#channels-list")).to_have_text(
        "zipchan (public): 2 members, created by zipper.0"
    )
    shot("zip-selection")
    page.get_by_label("Import zipper.4").uncheck()
    import_selected(page)
    expect(page.locator("#state")).to_have_text("Done: the import is finished.")
    expect(page.locator("#count-created")).to_have_text("4")
    expect(page.locator("#count-failed")).to_have_text("1")
    expect(page.locator("#errors-table tbody")).to_contain_text("importId demo-1001 belongs")
    # zipper.0 (creator) and zipper.1 join the new room, and every new user #general.
    expect(page.locator("#summary")).to_contain_text("Rooms: 1 created, 0 existing joined;")
    shot("zip-done")
    status = admin_api.get("import.status")
    assert status["operation"]["importerKey"] == "csv"
    assert status["operation"]["count"]["completed"] >= 4


def test_a_file_the_importer_refuses_shows_the_servers_message(page, admin_api, tmp_path):
    path = tmp_path / "not-a-zip.zip"
    path.write_text("username,email\n")
    before = admin_api.get("import.status")
    sign_in(page)
    read_file(page, path, importer=CSV_ZIP)
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=30_000)
    text = alert.text_content()
    assert "zip" in text.lower() and "[object Object]" not in text
    assert admin_api.get("import.status")["operation"]["_id"] == before["operation"]["_id"]


def test_a_zip_the_worker_cannot_prepare_shows_why_and_stops_polling(page, admin_api, tmp_path):
    # The zip's head is sound, so the upload takes it; its users.csv fails in the worker.
    path = tmp_path / "broken-quote.zip"
    path.write_bytes(bad_users_zip("broken-quote"))
    reason = BAD_USERS_CSV["broken-quote"][1]
    sign_in(page)
    read_file(page, path, importer=CSV_ZIP)
    expect(page.get_by_role("alert")).to_contain_text(reason, timeout=30_000)
    assert admin_api.get("import.status")["state"] == "error"
    polls = []
    polled = ("getImportFileData", "import.status")
    page.on("request", lambda r: polls.append(r.url) if any(p in r.url for p in polled) else None)
    page.wait_for_timeout(3000)  # three ticks of the poller, were it still running
    assert len(polls) <= 1, polls
    expect(page.get_by_role("alert")).to_contain_text(reason)


def test_a_slack_member_list_shows_who_is_deleted_and_who_is_a_bot(page, admin_api, tmp_path):
    rows = [
        SLACK_HEADER,
        "slacker,slacker@example.org,Member,,,,U1,Slack Er,,",
        "robot,robot@example.org,Bot,,,,U2,Robot,,",
        "gone,gone@example.org,Deactivated,,,,U3,Gone,,",
    ]
    path = tmp_path / "members.csv"
    path.write_text("\n".join(rows) + "\n")
    sign_in(page)
    read_file(page, path, importer="Slack member list (CSV)")
    expect(page.locator("#select-summary")).to_have_text("3 of 3 users selected.", timeout=30_000)
    table = page.locator("#users-table tbody")
    expect(table.locator("tr").nth(0)).to_have_text(
        re.compile(r"slacker\s*slacker@example.org\s*no\s*no")
    )
    expect(table.locator("tr").nth(1)).to_have_text(
        re.compile(r"robot\s*robot@example.org\s*no\s*yes")
    )
    expect(table.locator("tr").nth(2)).to_have_text(
        re.compile(r"gone\s*gone@example.org\s*yes\s*no")
    )
    import_selected(page)
    expect(page.locator("#state")).to_have_text("Done: the import is finished.")
    assert admin_api.get("import.status")["operation"]["importerKey"] == "slack-users"
