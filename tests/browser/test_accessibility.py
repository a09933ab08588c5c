"""axe-core (vendored, tests/data/axe) finds no serious or critical violation, desktop or phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.console import axe_violations, read_file, sign_in, users_csv


@pytest.mark.parametrize("width", [1200, 360])
def test_axe_finds_no_serious_violation_in_any_step(page, admin_api, tmp_path, width, shot):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/admin/import")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert axe_violations(page, f"{width}-sign-in") == []
    page.get_by_role("button", name="Sign in", exact=True).click()  # empty: an error shows
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page, f"{width}-sign-in-error") == []

    users = [
        (f"axe{width}.{n}", f"axe{width}.{n}@example.org", f"axe{width}-{n}", "A", "")
        for n in range(3)
    ]
    users.append(("", f"axe{width}.x@example.org", f"axe{width}-x", "No username", ""))
    users.append((f"axe{width}.0", "dup@example.org", f"axe{width}-d", "Taken", ""))
    sign_in(page)
    read_file(page, users_csv(tmp_path / "axe.csv", users))
    expect(page.locator("#select")).to_be_visible()
    assert axe_violations(page, f"{width}-selection") == []
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#summary")).to_be_visible(timeout=60_000)
    expect(page.locator("#errors-table tbody tr")).to_have_count(1)
    assert axe_violations(page, f"{width}-done") == []
    # Readable on a phone: nothing wider than the screen but the tables' own scroll areas.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"done-{width}px")
    page.get_by_role("button", name="Clear the operation").click()
    assert axe_violations(page, f"{width}-dialog") == []
    page.get_by_role("button", name="Go back").click()


def test_axe_finds_no_serious_violation_for_a_user_without_permission(page, admin_api):
    sign_in(page, username="alice")
    expect(page.get_by_role("heading", name="No permission to import")).to_be_visible()
    assert axe_violations(page, "no-permission") == []


def test_the_axe_check_can_fail(page, admin_api):
    # A button without a name is a critical violation: the harness must report it.
    page.goto("/admin/import")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert [v["id"] for v in axe_violations(page)] == ["button-name"]
