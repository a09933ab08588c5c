"""A sync from the console: the plan as a table with per-action counts, a confirmation
before import.run, and nothing run when the administrator says no."""

import time

from playwright.sync_api import expect

from tests.browser.console import read_file, sign_in, users_csv

HEADER = "username,email,importId,name"


def imported(admin_api, username, name):
    """Import one user through the API, as an earlier import did; wait for the end."""
    admin_api.post("import.new")
    user = {"username": username, "emails": [f"{username}@example.com"], "importIds": [username]}
    admin_api.post("import.addUsers", {"users": [{**user, "name": name}]})
    admin_api.post("import.run")
    deadline = time.monotonic() + 30
    while admin_api.get("import.status")["state"] != "done":
        assert time.monotonic() < deadline, "the earlier import did not finish"
        time.sleep(0.1)


def test_the_plan_is_shown_as_a_table_and_runs_only_once_confirmed(page, admin_api, tmp_path, shot):
    imported(admin_api, "syncone", "Sync One")
    path = users_csv(
        tmp_path / "directory.csv",
        [
            ("syncone", "syncone@example.com", "syncone", "Sync Uno"),
            ("synctwo", "synctwo@example.com", "synctwo", "Sync Two"),
        ],
        header=HEADER,
    )
    sign_in(page)
    read_file(page, path)
    page.get_by_role("button", name="Show the sync plan").click()
    expect(page.get_by_role("heading", name="The sync plan")).to_be_visible()
    expect(page.locator("#plan-summary")).to_have_text(
        "Plan (nothing changed yet): created 1, updated 1, deactivated 0, unchanged 0"
        " (reactivated 0, refused 0)"
    )
    counts = page.locator("#plan-counts tbody tr")
    expect(counts).to_have_count(6)
    expect(counts.nth(0)).to_have_text("Create1")
    expect(counts.nth(1)).to_have_text("Update1")
    entries = page.locator("#plan-table tbody tr")
    expect(entries.filter(has_text="syncone")).to_contain_text("name: Sync One → Sync Uno")
    expect(entries.filter(has_text="synctwo")).to_contain_text("Create")
    shot("sync-plan")
    page.get_by_role("button", name="Run the sync").click()
    expect(page.locator("#confirm-text")).to_contain_text("It will change: created 1, updated 1")
    page.locator("#confirm-no").click()
    assert admin_api.get("import.status")["state"] == "ready"  # said no: nothing ran
    assert admin_api.get("import.plan")["progress"] is None
    page.get_by_role("button", name="Run the sync").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#summary")).to_be_visible(timeout=60_000)
    progress = admin_api.get("import.plan")["progress"]
    assert progress == {
        "created": 1,
        "updated": 1,
        "deactivated": 0,
        "reactivated": 0,
        "unchanged": 0,
        "failed": 0,
    }
