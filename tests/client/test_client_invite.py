"""bulk-import-users --invite and bulk-import-users invite, against the live service mailing a
real SMTP server on loopback."""

import json

import pytest
from click.testing import CliRunner

from app.client.main import main
from tests.support.accounts import PASSWORD
from tests.support.invites import mailbox as mailbox  # the SMTP server fixture
from tests.support.live import ENVIRONMENT, LiveService, run
from tests.support.mailbox import insert_mail_settings, reset_password, token_of


@pytest.fixture
def service(mailbox):
    live = LiveService(INVITE_MAILS_PER_MINUTE=1_000_000)
    insert_mail_settings(live.db, mailbox.port)
    yield live
    live.close()


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users.json"
    people = [
        {"username": f"u{n}", "emails": [f"u{n}@example.com"], "importIds": [f"i{n}"]}
        for n in range(3)
    ]
    path.write_text(json.dumps(people))
    return path


def invite(service, *args):
    """Run `bulk-import-users invite ARGS` as the admin."""
    environment = {**dict.fromkeys(ENVIRONMENT), "ROCKETCHAT_URL": service.url}
    environment.update(ROCKETCHAT_USER="admin", ROCKETCHAT_PASSWORD=PASSWORD)
    arguments = ["invite", "--poll-interval", "0.02", *args]
    return CliRunner().invoke(main, arguments, env=environment)


def test_invite_after_the_import_mails_everyone_it_created(service, mailbox, users_file):
    result = run(service, users_file, "--invite")
    assert result.exit_code == 0, result.output
    assert "Invitations: 0 queued, 3 sent, 0 failed, 0 skipped." in result.output
    assert len(mailbox.messages) == 3
    user_ids = {u["_id"] for u in service.db.users.find({"importIds": {"$exists": True}})}
    assert {reset_password(service.db, token_of(m)) for m in mailbox.messages} == user_ids


def test_invite_an_earlier_import_then_again_sends_nothing(service, mailbox, users_file):
    assert run(service, users_file).exit_code == 0
    first = invite(service, "--user", "u1")
    assert first.exit_code == 0, first.output
    assert len(mailbox.messages) == 1
    second = invite(service, "--user", "u1")
    assert second.exit_code == 0
    assert "skipped: 1 already-sent" in second.output
    assert len(mailbox.messages) == 1


def test_failures_are_listed_with_the_servers_reason(service, mailbox, users_file):
    assert run(service, users_file).exit_code == 0
    mailbox.refuse("u2@example.com", "550 5.1.1 Mailbox unknown")
    result = invite(service)
    assert result.exit_code == 1
    assert "failed: u2 <u2@example.com>: 550 5.1.1 Mailbox unknown" in result.output


def test_a_server_without_import_invite_is_named(service, users_file):
    service.without = ("import.invite",)
    result = invite(service)
    assert result.exit_code == 2
    assert "import.invite answered 404" in result.output


def test_no_wait_returns_once_queued(service, users_file):
    assert run(service, users_file).exit_code == 0
    result = invite(service, "--no-wait")
    assert result.exit_code == 0
    assert "3 users queued" in result.output
