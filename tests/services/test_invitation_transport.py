"""How invitations reach the SMTP server: STARTTLS, SMTPS, a login, and MAIL_URL instead of
Rocket.Chat's settings; each misconfiguration fails the invitations with a clear reason."""

import pytest

from tests.support.apps import make_worker
from tests.support.invites import FAST, import_people, listing, passwordless
from tests.support.mailbox import (
    PASSWORD,
    USERNAME,
    Mailbox,
    insert_mail_settings,
    make_certificate,
    token_of,
)

pytestmark = pytest.mark.usefixtures("imported")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def imported(admin, db):
    worker = make_worker(db, **FAST)
    import_people(admin, worker, [passwordless(n) for n in range(2)])
    worker.stop()


def send(admin, db, **settings):
    """Invite everyone, run a worker with these settings; return the invitations' page."""
    assert admin.post("import.invite", {}).status_code == 200
    worker = make_worker(db, **FAST, **settings)
    worker.run_pending()
    worker.stop()
    return listing(admin)


@pytest.fixture
def serve():
    boxes = []

    def start(mode="plain", certificate=None, login=False):
        boxes.append(Mailbox(mode, certificate, login))
        return boxes[-1]

    yield start
    for box in boxes:
        box.close()


def test_starttls_with_a_trusted_certificate(admin, db, serve, certificate):
    mailbox = serve("starttls", certificate)
    insert_mail_settings(db, mailbox.port, SMTP_IgnoreTLS=False)
    page = send(admin, db, MAIL_CA_FILE=certificate[0])
    assert page["counts"]["sent"] == 2 and len(mailbox.messages) == 2


def test_smtps_with_a_login(admin, db, serve, certificate):
    mailbox = serve("smtps", certificate, login=True)
    settings = {"SMTP_Username": USERNAME, "SMTP_Password": PASSWORD}
    insert_mail_settings(db, mailbox.port, SMTP_Protocol="smtps", **settings)
    page = send(admin, db, MAIL_CA_FILE=certificate[0])
    assert page["counts"]["sent"] == 2
    assert all(token_of(message) for message in mailbox.messages)


def test_a_certificate_that_does_not_verify_fails_the_invitations(admin, db, serve, certificate):
    mailbox = serve("starttls", certificate)
    insert_mail_settings(db, mailbox.port, SMTP_IgnoreTLS=False)
    page = send(admin, db)
    assert page["counts"]["failed"] == 2
    reason = page["invitations"][0]["reason"]
    assert reason.startswith(f"TLS with smtp://127.0.0.1:{mailbox.port} failed:")
    assert "certificate" in reason
    assert not mailbox.messages


def test_ignore_tls_against_a_server_that_requires_it(admin, db, serve, certificate):
    mailbox = serve("starttls", certificate)
    insert_mail_settings(db, mailbox.port)  # SMTP_IgnoreTLS: true, Rocket.Chat's default
    page = send(admin, db)
    assert page["counts"]["failed"] == 2
    assert "refused the sender noreply@chat.example.com: 530" in page["invitations"][0]["reason"]


def test_mail_url_overrides_rocket_chats_smtp_settings(admin, db, serve):
    mailbox = serve(login=True)
    insert_mail_settings(db, 9)  # nothing listens on the settings' port
    url = f"smtp://{USERNAME}:{PASSWORD}@127.0.0.1:{mailbox.port}"
    assert send(admin, db, MAIL_URL=url)["counts"]["sent"] == 2


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:25", "MAIL_URL must start with smtp:// or smtps://"),
        ("smtp://127.0.0.1:port", "MAIL_URL has a port that is not a number"),
        ("smtp://user:wrong-pass@127.0.0.1:{port}", "refused the login of SMTP_Username: 535"),
        ("smtp://127.0.0.1:{port}?requireTLS=true", "offers no STARTTLS, and MAIL_URL requires"),
    ],
)
def test_a_bad_mail_url_fails_the_invitations_without_showing_it(admin, db, serve, url, reason):
    mailbox = serve(login=True)
    insert_mail_settings(db, mailbox.port)
    page = send(admin, db, MAIL_URL=url.format(port=mailbox.port))
    assert page["counts"]["failed"] == 2
    assert reason in page["invitations"][0]["reason"]
    assert "wrong-pass" not in str(page)
