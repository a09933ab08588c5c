"""What the page lets run: only its own scripts; API text is shown as text, never as HTML."""

import pytest
from playwright.sync_api import Error, expect

from tests.browser.console import import_selected, read_file, sign_in, users_csv

XSS = "<img src=x onerror=alert(1)>"


def test_a_user_named_like_html_is_shown_literally_and_nothing_runs(
    page, admin_api, tmp_path, shot
):
    users = [
        (XSS, "xss.one@example.org", "xss-1", XSS, ""),
        # The same username again: its failure reason quotes the name.
        (XSS, "xss.two@example.org", "xss-2", "<script>window.pwned=1</script>", ""),
    ]
    sign_in(page)
    read_file(page, users_csv(tmp_path / "xss.csv", users))
    table = page.locator("#users-table")
    expect(table.get_by_role("cell", name=XSS, exact=True)).to_have_count(2)
    expect(page.get_by_label(f"Import {XSS}", exact=True)).to_have_count(2)
    shot("xss-selection")
    import_selected(page)
    expect(page.locator("#count-created")).to_have_text("1")
    reason = f"username already in use: {XSS}"
    expect(page.locator("#errors-table").get_by_role("cell", name=reason)).to_be_visible()
    shot("xss-failure")
    # Nothing became an element, nothing ran (the page fixture fails on any dialog).
    assert page.locator("main img, main script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_the_csp_blocks_inline_scripts(page, admin_api):
    page.goto("/admin/import")
    policy = page.request.get("/admin/import").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="window.inlineRan = true")
    handler = '<img src=x onerror="window.handlerRan=true">'
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", handler)
    page.wait_for_timeout(300)
    assert page.evaluate("window.inlineRan") is None
    assert page.evaluate("window.handlerRan") is None
    assert any("Content Security Policy" in text for text in violations), violations
