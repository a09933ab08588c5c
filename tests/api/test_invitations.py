"""Set-password invitations end to end: import, import.invite, the worker mails a real SMTP
server on loopback, and the link's token works by Meteor's resetPassword rule."""

import logging
import string
from datetime import timedelta

import pytest

from tests.support.apps import make_worker
from tests.support.factories import now
from tests.support.invites import FAST, import_people, invite, listing, make_due, passwordless
from tests.support.invites import imported as imported  # fixtures, as their names
from tests.support.invites import mailbox as mailbox
from tests.support.invites import sender as sender
from tests.support.mailbox import (
    PASSWORD,
    SITE_URL,
    USERNAME,
    Mailbox,
    insert_mail_settings,
    reset_password,
    token_of,
)


def test_each_imported_person_gets_a_link_whose_token_is_in_their_document(
    admin, db, sender, mailbox, imported
):
    answer = invite(admin)
    assert answer == {"operationId": imported, "queued": 3, "skipped": {}, "success": True}
    sender.run_pending()
    assert sorted(to for _, (to,) in mailbox.envelopes) == [f"p{n}@example.com" for n in range(3)]
    for message in mailbox.messages:
        address = message["To"].addresses[0].addr_spec
        user = db.users.find_one({"emails.address": address})
        token = token_of(message)
        assert len(token) == 43 and set(token) <= set(string.ascii_letters + string.digits + "-_")
        record = user["services"]["password"]["enroll"]
        assert list(record) == ["token", "email", "when", "reason"]
        assert record["token"] == token and record["email"] == address
        assert record["reason"] == "enroll"
        assert f"{SITE_URL}/reset-password/{token}" in message.get_body(("html",)).get_content()
        assert reset_password(db, token) == user["_id"]
    assert listing(admin)["counts"] == {"queued": 0, "sent": 3, "failed": 0, "skipped": 0}


def test_the_mail_is_rocket_chats_forgot_password_mail_to_the_person(
    admin, db, sender, mailbox, imported
):
    invite(admin, {"users": ["p1"]})
    sender.run_pending()
    (message,) = mailbox.messages
    assert str(message["From"]) == "Example Chat <noreply@chat.example.com>"
    assert str(message["To"]) == "Person Number1 <p1@example.com>"
    assert message["Subject"] == "Example Chat - Password Recovery"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<h2>Forgot your password?</h2>" in html
    assert "Let's get you a new one!" in text and "Reset: https://chat.example.com/" in text


def test_a_second_call_sends_nothing(admin, sender, mailbox, imported):
    invite(admin)
    sender.run_pending()
    answer = invite(admin)
    assert answer["queued"] == 0 and answer["skipped"] == {"already-sent": 3}
    sender.run_pending()
    assert len(mailbox.messages) == 3


def test_resend_mails_again_with_a_new_working_link(admin, db, sender, mailbox, imported):
    invite(admin, {"users": ["p0"]})
    sender.run_pending()
    assert invite(admin, {"users": ["p0"], "resend": True})["queued"] == 1
    sender.run_pending()
    first, second = (token_of(message) for message in mailbox.messages)
    assert first != second
    assert reset_password(db, first) == "Token expired"  # Meteor keeps one token per kind
    assert reset_password(db, second) == db.users.find_one({"username": "p0"})["_id"]


def test_the_token_lives_as_long_as_meteors_enroll_tokens(admin, db, sender, mailbox, imported):
    invite(admin, {"users": ["p2"]})
    sender.run_pending()
    token = token_of(mailbox.messages[0])
    when = db.users.find_one({"username": "p2"})["services"]["password"]["enroll"]["when"]
    assert reset_password(db, token, when + timedelta(days=29)) != "Token expired"
    assert reset_password(db, token, when + timedelta(days=30, seconds=1)) == "Token expired"
    db.users.update_one({"username": "p2"}, {"$set": {"emails.0.address": "new@example.com"}})
    assert reset_password(db, token) == "Token has invalid email address"


def test_who_is_skipped_and_why(admin, db, sender, mailbox):
    insert_mail_settings(db, mailbox.port)
    people = [passwordless(n) for n in range(4)]
    people[3]["deleted"] = True
    import_people(admin, sender, people)
    db.users.update_one({"username": "p1"}, {"$set": {"lastLogin": now()}})
    db.users.update_one({"username": "p2"}, {"$set": {"emails": []}})
    answer = invite(admin, {"users": ["p0", "p1", "p2", "p3", "nobody"]})
    assert answer["queued"] == 1
    assert answer["skipped"] == {
        "logged-in": 1,
        "no-email": 1,
        "inactive": 1,
        "not-in-operation": 1,
    }
    sender.run_pending()
    page = listing(admin)
    assert page["counts"] == {"queued": 0, "sent": 1, "failed": 0, "skipped": 3}
    assert [(i["username"], i["state"], i.get("reason")) for i in page["invitations"]] == [
        ("p0", "sent", None),
        ("p1", "skipped", "logged-in"),
        ("p2", "skipped", "no-email"),
        ("p3", "skipped", "inactive"),
    ]


def test_a_person_who_logged_in_meanwhile_is_not_mailed(admin, db, sender, mailbox, imported):
    invite(admin)
    db.users.update_one({"username": "p0"}, {"$set": {"lastLogin": now()}})
    sender.run_pending()
    assert len(mailbox.messages) == 2
    states = {i["username"]: i["state"] for i in listing(admin)["invitations"]}
    assert states == {"p0": "skipped", "p1": "sent", "p2": "sent"}


def test_a_permanent_refusal_fails_that_person_with_the_servers_words(
    admin, db, sender, mailbox, imported
):
    mailbox.refuse("p1@example.com", "550 5.1.1 No such user here")
    before = db.users.find_one({"username": "p1"}, {"services.password.bcrypt": 1})
    invite(admin)
    sender.run_pending()
    page = listing(admin, state="failed")
    assert [(i["username"], i["reason"]) for i in page["invitations"]] == [
        ("p1", "550 5.1.1 No such user here")
    ]
    assert len(mailbox.messages) == 2
    assert admin.get("import.status").json["state"] == "done"  # the import is untouched
    after = db.users.find_one({"username": "p1"}, {"services.password.bcrypt": 1})
    assert after["services"]["password"]["bcrypt"] == before["services"]["password"]["bcrypt"]


def test_a_temporary_refusal_is_retried_later_then_sent(admin, db, sender, mailbox, imported):
    mailbox.refuse("*", "451 4.3.0 Try again later")
    invite(admin, {"users": ["p0"]})
    sender.run_pending()
    (waiting,) = listing(admin)["invitations"]
    assert waiting["state"] == "queued" and waiting["attempts"] == 1
    assert waiting["reason"] == "451 4.3.0 Try again later"
    assert sender.run_pending() == 0  # not before its time
    mailbox.refusals.clear()
    make_due(db)
    sender.run_pending()
    assert listing(admin)["counts"]["sent"] == 1 and len(mailbox.messages) == 1


def test_temporary_failures_give_up_after_the_last_attempt(admin, db, mailbox, imported):
    worker = make_worker(db, INVITE_MAX_ATTEMPTS=2, **FAST)
    mailbox.refuse("*", "421 4.7.0 Too busy")
    invite(admin, {"users": ["p0"]})
    worker.run_pending()
    make_due(db)
    worker.run_pending()
    worker.stop()
    (failed,) = listing(admin)["invitations"]
    assert failed["state"] == "failed" and failed["attempts"] == 2
    assert failed["reason"] == "421 4.7.0 Too busy (gave up after 2 attempts)"


def test_a_refused_connection_is_retried(admin, db, sender, mailbox, imported):
    mailbox.close()
    invite(admin)
    sender.run_pending()
    page = listing(admin)
    assert page["counts"]["queued"] == 3 and page["status"] == "sending"
    assert {i["reason"] for i in page["invitations"]} == {
        f"smtp://127.0.0.1:{mailbox.port} refused the connection"
    }


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        ("SMTP_Host", "", "no SMTP server: SMTP_Host"),
        ("From_Email", "", "From_Email (Administration > Email > SMTP) is not an e-mail"),
        ("Site_Url", "", "Site_Url (Administration > General) is not an http(s) address"),
        ("SMTP_Port", "port", "SMTP_Port is not a port number"),
        ("SMTP_Protocol", "smtps", "TLS with smtps://127.0.0.1:"),
    ],
)
def test_a_bad_smtp_configuration_fails_every_invitation_with_the_reason(
    admin, db, sender, mailbox, imported, setting, value, reason
):
    insert_mail_settings(db, mailbox.port, **{setting: value})
    invite(admin)
    sender.run_pending()
    page = listing(admin)
    assert page["counts"]["failed"] == 3 and page["status"] == "done"
    assert all(i["reason"].startswith(reason) for i in page["invitations"])
    assert not mailbox.messages


def test_a_failed_invitation_is_queued_again_once_the_settings_are_fixed(
    admin, db, sender, mailbox, imported
):
    insert_mail_settings(db, mailbox.port, SMTP_Host="")
    invite(admin)
    sender.run_pending()
    insert_mail_settings(db, mailbox.port)
    assert invite(admin)["queued"] == 3
    sender.run_pending()
    assert len(mailbox.messages) == 3


def test_an_import_is_not_held_up_by_a_refusing_smtp_server(admin, db, sender, mailbox, imported):
    mailbox.refuse("*", "554 5.7.1 Relay access denied")
    invite(admin)
    operation = import_people(admin, sender, [passwordless(n) for n in range(10, 13)])
    assert admin.get("import.status").json["state"] == "done"
    assert db.users.count_documents({"importIds": {"$exists": True}}) == 6
    assert listing(admin, operationId=imported)["counts"]["failed"] == 3
    assert listing(admin, operationId=operation)["status"] == "none"


def test_cancel_skips_what_was_not_sent(admin, db, sender, mailbox, imported):
    invite(admin)
    response = admin.post("import.invitations.cancel", {})
    assert response.json == {"operationId": imported, "success": True}
    sender.run_pending()
    assert not mailbox.messages
    assert listing(admin)["counts"] == {"queued": 0, "sent": 0, "failed": 0, "skipped": 3}
    assert admin.post("import.invitations.cancel", {}).status_code == 400


def test_no_token_link_or_smtp_password_in_answers_or_logs(admin, db, sender, caplog):
    mailbox = Mailbox(login=True)
    insert_mail_settings(db, mailbox.port, SMTP_Username=USERNAME, SMTP_Password=PASSWORD)
    import_people(admin, sender, [passwordless(n) for n in range(3)])
    mailbox.refuse("p2@example.com", "550 5.1.1 No such user")
    try:
        with caplog.at_level(logging.DEBUG):
            answers = [invite(admin), sender.run_pending(), listing(admin)]
    finally:
        mailbox.close()
    tokens = [token_of(message) for message in mailbox.messages]
    assert len(tokens) == 2
    # Ours, not the test SMTP server's (aiosmtpd logs what it receives as `mail.log`).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    seen = str(answers) + logged
    assert "550 5.1.1 No such user" in seen
    for secret in (*tokens, "reset-password", PASSWORD):
        assert secret not in seen


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"operationId": "nope"}, "Import Operation Not Found [error-operation-not-found]"),
        ({"resend": "maybe"}, "must be boolean [invalid-params]"),
        ({"users": "p0"}, "must be array [invalid-params]"),
        ({"other": 1}, "must NOT have additional properties [invalid-params]"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(admin, db, imported, body, error):
    response = admin.post("import.invite", body)
    assert response.status_code == 400
    assert response.json["error"] == error
    assert db.bulkimport_invitations.count_documents({}) == 0


def test_an_operation_still_running_cannot_be_invited(admin, db):
    operation = admin.post("import.new").json["operation"]
    response = admin.post("import.invite", {"operationId": operation["_id"]})
    assert response.status_code == 400
    assert response.json["errorType"] == "error-operation-not-ended"


def test_inviting_needs_run_import(regular, imported):
    assert regular.post("import.invite", {}).status_code == 403
    assert regular.get("import.invitations").status_code == 403
