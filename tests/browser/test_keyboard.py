"""The main flow with the keyboard only: every step reachable by Tab, with a visible focus."""

from playwright.sync_api import expect

from app.fixtures import DEMO_PASSWORD
from tests.browser.console import users_csv

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def tab_to(page, element_id, limit=120):
    """Press Tab until the element of that id has the focus; check each focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if focused["id"] == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_the_main_flow_works_with_the_keyboard_only(page, admin_api, tmp_path, shot):
    users = [(f"keys.{n}", f"keys.{n}@example.org", f"keys-{n}", f"Keys {n}", "") for n in range(4)]
    path = users_csv(tmp_path / "keys.csv", users)
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    tab_to(page, "username")
    page.keyboard.type("admin")
    tab_to(page, "password")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Start an import")).to_be_focused()

    tab_to(page, "importer")
    tab_to(page, "file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(path))
    tab_to(page, "upload")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Choose who to import")).to_be_focused()
    shot("selection-by-keyboard")

    # Unselect the first user with the keyboard, then import the others.
    tab_to(page, "users-region")  # the scrollable table region takes the focus too
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#select-summary")).to_have_text("3 of 4 users selected.")
    tab_to(page, "start-import")
    page.keyboard.press("Enter")
    expect(page.locator("#state")).to_have_text("Done: the import is finished.", timeout=60_000)
    expect(page.locator("#count-created")).to_have_text("3")

    # The clear confirmation opens and closes with the keyboard, focus on the safe choice.
    tab_to(page, "clear")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Go back")).to_be_focused()
    shot("dialog-by-keyboard")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert admin_api.get("import.status")["operation"]["valid"] is True

    tab_to(page, "sign-out")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_focused()
