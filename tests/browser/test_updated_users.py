"""A CSV zip imported again with changed names updates those users: the page shows how many
were updated, in the counters and the summary, and lists who and which fields."""

from playwright.sync_api import expect

from tests.browser.console import axe_violations, import_selected, read_file, sign_in
from tests.support.importfiles import zip_of

CSV_ZIP = "CSV zip (users.csv, channels.csv)"


def import_zip(page, path, names):
    """Upload a CSV zip of these (username, name) pairs and import every one of its users."""
    lines = "".join(f"{username},{username}@example.org,{name}\n" for username, name in names)
    path.write_bytes(zip_of({"users.csv": lines.encode()}))
    read_file(page, path, importer=CSV_ZIP)
    expect(page.locator("#select-summary")).to_have_text(
        f"{len(names)} of {len(names)} users selected.", timeout=30_000
    )
    import_selected(page)
    expect(page.locator("#state")).to_have_text("Done: the import is finished.")


def test_a_zip_imported_again_with_new_names_shows_who_was_updated(page, admin_api, tmp_path, shot):
    people = [f"renamed.{n}" for n in range(3)]
    sign_in(page)
    import_zip(page, tmp_path / "first.zip", [(u, f"Old {u}") for u in people])
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#updates")).to_be_hidden()  # nobody updated: no list

    page.get_by_role("button", name="Start another import").click()
    import_zip(page, tmp_path / "second.zip", [(u, f"New {u}") for u in people[:2]])
    expect(page.locator("#count-updated")).to_have_text("2")
    expect(page.locator("#count-created")).to_have_text("0")
    expect(page.locator("#summary")).to_contain_text("2 updated")
    expect(page.locator("#updates-summary")).to_contain_text(
        "2 existing users were updated by this import"
    )
    rows = page.locator("#updates-table tbody tr")
    expect(rows).to_have_count(2)
    for n in range(2):
        expect(rows.nth(n).locator("td").nth(0)).to_have_text(people[n])
        expect(rows.nth(n).locator("td").nth(2)).to_contain_text("name")
    assert axe_violations(page, "updated-users") == []
    shot("updated-users")
    assert admin_api.get("import.updates")["total"] == 2
    # The history's column counts the updated users too, and says so.
    expect(page.locator("#history-table thead")).to_contain_text("Created or updated")
    expect(page.locator("#history-table tbody tr").first.locator("td").nth(5)).to_have_text("2")

    page.get_by_role("button", name="Clear the operation").click()
    page.get_by_role("button", name="Clear it").click()
    expect(page.locator("#updates")).to_be_hidden()
