"""Set-password invitations through the page: a `serve` whose Rocket.Chat settings point at a
real SMTP server on loopback (aiosmtpd); import people without passwords, Send invitations,
see each one sent, or failed with the SMTP server's words; never a token or a link."""

import json
import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from app.fixtures import DEMO_DIR, DEMO_PASSWORD
from tests.browser.console import Admin, axe_violations, import_selected, read_file, users_csv
from tests.support.mailbox import LINK, SITE_URL, Mailbox, token_of
from tests.support.processes import serve
from tests.support.wire import free_port

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
REFUSAL = "550 5.1.1 <nobody.here@example.org>: Recipient address rejected"
SETTINGS_DATE = {"$date": "2026-11-01T08:00:00.000Z"}


@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP server on loopback, keeping what it takes."""
    box = Mailbox()
    yield box
    box.close()


@pytest.fixture(scope="module")
def mail_url(mailbox, tmp_path_factory):
    """A `serve` of the demo whose Rocket.Chat mail settings name the mailbox."""
    folder = tmp_path_factory.mktemp("mail-demo")
    for path in DEMO_DIR.glob("*.json"):
        shutil.copy(path, folder / path.name)
    settings = {
        "SMTP_Protocol": "smtp",
        "SMTP_Host": "127.0.0.1",
        "SMTP_Port": str(mailbox.port),
        "SMTP_IgnoreTLS": True,
        "From_Email": "noreply@chat.example.com",
        "Site_Url": SITE_URL,
        "Site_Name": "Example Chat",
    }
    lines = "".join(
        json.dumps({"_id": key, "value": value, "_updatedAt": SETTINGS_DATE}) + "\n"
        for key, value in settings.items()
    )
    with (folder / "rocketchat_settings.json").open("a", encoding="utf-8") as file:
        file.write(lines)
    port = free_port()
    log = tmp_path_factory.mktemp("mail-serve") / "serve.log"
    process = serve(
        port,
        log,
        EXPORT_DIR=str(folder),
        RATE_LIMIT_CALLS=1000,
        LOG_LEVEL="WARNING",
        INVITE_MAILS_PER_MINUTE=6000,
    )
    yield f"http://127.0.0.1:{port}"
    process.stop()


@pytest.fixture
def mail_api(mail_url, mailbox):
    """The demo admin's API on that server, no operation left; the mailbox emptied."""
    admin = Admin(mail_url)
    admin.post("import.clear")
    mailbox.messages.clear()
    mailbox.refusals.clear()
    return admin


def sign_in_at(page, url):
    """Open that server's console and sign in as the demo admin."""
    page.goto(f"{url}/admin/import")
    page.get_by_label("Username or email", exact=True).fill("admin")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def import_people(page, tmp_path, prefix, addresses):
    """Read a users file of people without passwords, import them all, wait for the end."""
    users = [
        (f"{prefix}.{n}", address, f"{prefix}-{n}", f"Person {n}", "")
        for n, address in enumerate(addresses)
    ]
    read_file(page, users_csv(tmp_path / f"{prefix}.csv", users))
    import_selected(page)
    expect(page.locator("#state")).to_have_text("Done: the import is finished.")


def send_invitations(page):
    """Click Send invitations and confirm."""
    page.get_by_role("button", name="Send invitations").click()
    page.get_by_role("button", name="Send the mails").click()


def test_three_people_without_passwords_are_mailed_and_shown_sent(
    page, mail_url, mail_api, mailbox, tmp_path
):
    sign_in_at(page, mail_url)
    addresses = [f"sent.{n}@example.org" for n in range(3)]
    import_people(page, tmp_path, "inv", addresses)
    expect(page.get_by_role("button", name="Send invitations")).to_be_enabled()
    send_invitations(page)
    expect(page.locator("#invite-answer")).to_have_text(
        "3 invitations queued: they are sent in the background."
    )
    expect(page.locator("#invite-counts")).to_have_text(
        "3 sent, 0 failed, 0 waiting to be sent, 0 skipped (of 3 people).", timeout=30_000
    )
    rows = page.locator("#invitations-table tbody tr")
    expect(rows).to_have_count(3)
    for n, address in enumerate(addresses):
        expect(rows.nth(n)).to_contain_text(f"inv.{n}")
        expect(rows.nth(n)).to_contain_text(address)
        expect(rows.nth(n).locator("td").nth(3)).to_have_text("sent")
    assert sorted(rcpt for _, (rcpt,) in mailbox.envelopes) == addresses
    # The links went by mail only: no token, no link on the page.
    html = page.content()
    assert "reset-password" not in html and not LINK.search(html)
    assert not any(token_of(message) in html for message in mailbox.messages)

    page.reload()  # this tab's operation: shown again, with its invitations
    expect(page.locator("#invite-counts")).to_have_text(
        "3 sent, 0 failed, 0 waiting to be sent, 0 skipped (of 3 people)."
    )
    send_invitations(page)  # a second time: nobody is mailed again
    expect(page.locator("#invite-answer")).to_have_text(
        "No invitation queued. 3 people skipped: 3 because an invitation was sent already"
        " (resend: true sends another)."
    )
    assert len(mailbox.messages) == 3

    page.get_by_role("button", name="Clear the operation").click()
    page.get_by_role("button", name="Clear it").click()
    expect(page.locator("#invite")).to_be_hidden()


def test_a_refused_address_shows_failed_with_the_smtp_servers_words(
    page, mail_url, mail_api, mailbox, tmp_path, shot
):
    mailbox.refuse("nobody.here@example.org", REFUSAL)
    sign_in_at(page, mail_url)
    import_people(
        page, tmp_path, "ref", ["ana@example.org", "nobody.here@example.org", "cy@example.org"]
    )
    send_invitations(page)
    expect(page.locator("#invite-counts")).to_have_text(
        "2 sent, 1 failed, 0 waiting to be sent, 0 skipped (of 3 people).", timeout=30_000
    )
    failed = page.locator("#invitations-table tbody tr", has_text="ref.1")
    expect(failed.locator("td").nth(3)).to_have_text("failed")
    expect(failed.locator("td").nth(4)).to_contain_text(REFUSAL)
    expect(page.get_by_role("button", name="Send again to the failed")).to_be_visible()
    # The import is untouched: still done, its three users created.
    status = mail_api.get("import.status")
    assert status["state"] == "done" and status["operation"]["userCounts"]["created"] == 3
    assert axe_violations(page, "invitations") == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#invite").screenshot(path=SCREENSHOTS / "console-invitations.png")
    shot("invitations-failed")
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: only the table scrolls
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page, "invitations-360") == []
    page.set_viewport_size({"width": 1200, "height": 900})

    mailbox.refusals.clear()  # the address fixed: send again to the failed one only
    page.get_by_role("button", name="Send again to the failed").click()
    expect(page.locator("#invite-answer")).to_have_text(
        "1 invitation queued: they are sent in the background."
    )
    expect(page.locator("#invite-counts")).to_have_text(
        "3 sent, 0 failed, 0 waiting to be sent, 0 skipped (of 3 people).", timeout=30_000
    )
    assert [rcpt for _, (rcpt,) in mailbox.envelopes][-1] == "nobody.here@example.org"
    assert len(mailbox.messages) == 3
    expect(page.get_by_role("button", name="Send again to the failed")).to_be_hidden()


def test_a_temporary_refusal_waits_to_be_retried_and_stop_sending_cancels_it(
    page, mail_url, mail_api, mailbox, tmp_path
):
    mailbox.refuse("later@example.org", "451 4.7.1 Try again later")
    sign_in_at(page, mail_url)
    import_people(page, tmp_path, "tmp", ["later@example.org"])
    # With the keyboard: Enter on the button, Tab from "Go back" to the confirmation.
    page.get_by_role("button", name="Send invitations").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Go back")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    waiting = page.locator("#invitations-table tbody tr", has_text="tmp.0")
    expect(waiting.locator("td").nth(3)).to_have_text(
        "waiting to be sent again (1 temporary failure)", timeout=30_000
    )
    expect(waiting.locator("td").nth(4)).to_contain_text("451 4.7.1 Try again later")
    expect(page.locator("#invite-counts")).to_have_text(
        "Sending: 0 sent, 0 failed, 1 waiting to be sent, 0 skipped (of 1 person)."
    )
    page.get_by_role("button", name="Stop sending").click()
    page.get_by_role("button", name="Stop the mails").click()
    expect(waiting.locator("td").nth(3)).to_have_text("skipped")
    expect(waiting.locator("td").nth(4)).to_have_text(
        "import.invitations.cancel stopped it before it was sent"
    )
    expect(page.get_by_role("button", name="Stop sending")).to_be_hidden()
    assert mailbox.messages == []


def test_a_session_ended_while_mail_waits_signs_out_and_stops_polling(
    page, mail_url, mail_api, mailbox, tmp_path
):
    mailbox.refuse("wait@example.org", "451 4.7.1 Try again later")
    sign_in_at(page, mail_url)
    import_people(page, tmp_path, "end", ["wait@example.org"])
    send_invitations(page)
    expect(page.locator("#invite-counts")).to_contain_text("1 waiting to be sent", timeout=30_000)
    who = page.evaluate("JSON.parse(sessionStorage.getItem('rc-bulk-import.session'))")
    headers = {"X-User-Id": who["userId"], "X-Auth-Token": who["token"]}
    assert requests.post(f"{mail_url}/api/v1/logout", headers=headers, timeout=10).ok
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=10_000)
    expect(page.locator("#announce")).to_have_text("Your session has ended: sign in again.")
    expect(page.locator("#invite")).to_be_hidden()
    calls = []
    page.on("request", lambda request: calls.append(request.url))
    page.wait_for_timeout(2500)  # more than one polling interval: nothing is asked any more
    assert calls == []
    mail_api.post("import.invitations.cancel")  # leave no mail waiting for the next test


def test_before_the_import_has_run_the_button_is_disabled_with_the_reason(
    page, mail_url, mail_api, tmp_path
):
    mail_api.post("import.new")
    mail_api.post(
        "import.addUsers",
        {
            "users": [
                {"username": "staged.1", "emails": ["staged.1@example.org"], "importIds": ["st-1"]}
            ]
        },
    )
    sign_in_at(page, mail_url)
    button = page.get_by_role("button", name="Send invitations")
    expect(button).to_be_disabled()
    expect(page.locator("#invite-why")).to_have_text(
        "Invitations can be sent once the import has finished: its users are not imported yet."
    )
    page.get_by_role("button", name="Import the staged users").click()
    expect(button).to_be_enabled(timeout=30_000)
    expect(page.locator("#invite-why")).to_be_hidden()
    # A new file read: the page moves on to another operation, the view closes.
    page.get_by_role("button", name="Start another import").click()
    read_file(
        page, users_csv(tmp_path / "next.csv", [("next.0", "n@example.org", "nx-0", "N", "")])
    )
    expect(page.locator("#select")).to_be_visible()
    expect(page.locator("#invite")).to_be_hidden()


def test_the_view_closes_when_another_operation_replaces_it(
    page, mail_url, mail_api, mailbox, tmp_path
):
    # The view checks that its operation is still the current one before it acts.
    sign_in_at(page, mail_url)
    import_people(page, tmp_path, "rep", ["rep.0@example.org"])
    expect(page.locator("#invite")).to_be_visible()
    mail_api.post("import.new")  # another client starts an operation
    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator("#invite")).to_be_hidden()
    expect(page.locator("#announce")).to_contain_text("cleared or replaced")
    assert mailbox.messages == []
