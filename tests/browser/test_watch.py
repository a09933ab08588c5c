"""Watching a long import: the live bar, polling paused in a hidden tab, cancel and clear."""

import re
import time

from playwright.sync_api import expect

from tests.browser.console import import_selected, read_file, sign_in, users_csv

HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def big_file(tmp_path, size):
    # Every user has a password: bcrypt makes the import slow enough to cancel mid-way.
    users = [
        (f"big.{n}", f"big.{n}@example.org", f"big-{n}", f"Big {n}", f"pw-big-{n}")
        for n in range(size)
    ]
    return users_csv(tmp_path / "big.csv", users)


def status_calls(page):
    calls = []
    page.on(
        "request", lambda r: calls.append(time.monotonic()) if "import.status" in r.url else None
    )
    return calls


def test_a_large_import_pauses_when_hidden_and_is_cancelled_mid_way(
    page, admin_api, tmp_path, shot
):
    size = 3000  # far more than the test lets run, even on a fast machine
    sign_in(page)
    read_file(page, big_file(tmp_path, size))
    expect(page.locator("#select-summary")).to_have_text("3,000 of 3,000 users selected.")
    calls = status_calls(page)
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#state")).to_have_text("Importing the users…", timeout=30_000)
    expect(page.locator("#count-created")).not_to_have_text("0", timeout=60_000)
    shot("importing")

    page.evaluate(HIDE)
    hidden_at = time.monotonic()
    expect(page.locator("#paused")).to_be_visible()
    page.wait_for_timeout(3000)
    # At most the call already under way when the tab was hidden.
    assert len([t for t in calls if t > hidden_at + 0.2]) == 0
    page.evaluate(SHOW)
    shown_at = time.monotonic()
    expect(page.locator("#paused")).to_be_hidden()
    page.wait_for_timeout(1500)
    assert [t for t in calls if t > shown_at], "polling did not resume"

    # Cancel asks first; going back changes nothing.
    page.get_by_role("button", name="Cancel the import").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Cancel the import?")
    shot("cancel-confirmation")
    dialog.get_by_role("button", name="Go back").click()
    assert admin_api.get("import.status")["state"] == "importing"
    page.get_by_role("button", name="Cancel the import").click()
    dialog.get_by_role("button", name="Cancel the import").click()
    expect(page.locator("#state")).to_have_text(
        "Cancelled: the import was stopped.", timeout=30_000
    )
    expect(page.locator("#summary")).to_contain_text(" not processed.")
    shot("cancelled")
    count = admin_api.get("import.status")["operation"]["count"]
    assert 0 < count["completed"] < size
    expect(page.locator("#count-created")).to_have_text(f"{count['completed']:,}")
    expect(page.get_by_role("button", name="Cancel the import")).to_be_hidden()


def test_clear_asks_first_then_invalidates_the_operation(page, admin_api, tmp_path):
    users = [(f"clear.{n}", f"clear.{n}@example.org", f"clear-{n}", "C", "") for n in range(3)]
    sign_in(page)
    read_file(page, users_csv(tmp_path / "clear.csv", users))
    import_selected(page)
    operation = admin_api.get("import.status")["operation"]
    page.get_by_role("button", name="Clear the operation").click()
    page.get_by_role("dialog").get_by_role("button", name="Go back").click()
    assert admin_api.get("import.status")["operation"]["valid"] is True
    page.get_by_role("button", name="Clear the operation").click()
    page.get_by_role("dialog").get_by_role("button", name="Clear it").click()
    expect(page.get_by_role("status").first).to_have_text(re.compile(r"^Cleared: no import"))
    after = admin_api.get("import.status")["operation"]
    assert after["_id"] == operation["_id"] and after["valid"] is False
    expect(page.locator("#fix")).to_be_hidden()
