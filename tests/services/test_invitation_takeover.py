"""What a worker finds after another one died while sending: mails handed to the SMTP server
and not recorded are sent again once, with the same link; a second time, never."""

from tests.support.factories import expired_lease, now
from tests.support.invites import import_people, invite, listing, passwordless
from tests.support.invites import imported as imported  # fixtures, as their names
from tests.support.invites import mailbox as mailbox
from tests.support.invites import sender as sender
from tests.support.mailbox import insert_mail_settings, reset_password, token_of


def die_while_sending(db, sender, usernames):
    """Leave these people `sending`, as a worker killed after handing their mails over does."""
    sender.run_pending()
    interrupted = {"username": {"$in": usernames}}
    db.bulkimport_invitations.update_many(interrupted, {"$set": {"state": "sending"}})
    db.bulkimport_invitation_jobs.update_many(
        {}, {"$set": {"status": "sending", "dueAt": now(), "_lease": expired_lease()}}
    )


def test_a_mail_left_sending_is_sent_again_with_the_same_link(admin, db, sender, mailbox, imported):
    invite(admin, {"users": ["p0"]})
    die_while_sending(db, sender, ["p0"])
    sender.run_pending()
    first, again = (token_of(message) for message in mailbox.messages)
    assert first == again
    assert reset_password(db, first) == db.users.find_one({"username": "p0"})["_id"]
    assert listing(admin)["counts"]["sent"] == 1


def test_a_mail_interrupted_twice_is_not_sent_a_third_time(admin, db, sender, mailbox, imported):
    invite(admin, {"users": ["p0"]})
    die_while_sending(db, sender, ["p0"])
    db.bulkimport_invitations.update_many({}, {"$set": {"interrupted": 1}})
    sender.run_pending()
    assert len(mailbox.messages) == 1
    (failed,) = listing(admin)["invitations"]
    assert failed["state"] == "failed"
    assert failed["reason"].startswith("sending was interrupted twice")
    assert invite(admin, {"users": ["p0"]})["queued"] == 1  # the administrator decides


def test_a_person_with_an_unusual_name_or_address(admin, db, sender, mailbox):
    insert_mail_settings(db, mailbox.port)
    people = [passwordless(0, name="Zoë\nÜnal"), passwordless(1, emails=["p1@example.com"])]
    import_people(admin, sender, people)
    db.users.update_one({"username": "p1"}, {"$set": {"emails.0.address": "p1@x.com\r\nBcc: a"}})
    invite(admin)
    sender.run_pending()
    (message,) = mailbox.messages
    assert message["To"].addresses[0].display_name == "Zoë Ünal"
    failed = listing(admin, state="failed")["invitations"]
    assert [(i["username"], i["reason"]) for i in failed] == [
        ("p1", "the address cannot be mailed")
    ]


def test_a_mail_sent_again_after_a_takeover_is_never_sent_a_third_time(
    admin, db, sender, mailbox, imported
):
    invite(admin, {"users": ["p0"]})
    die_while_sending(db, sender, ["p0"])  # the first mail went, its worker died
    die_while_sending(db, sender, ["p0"])  # so did the one sent again
    sender.run_pending()
    assert len(mailbox.messages) == 2
    (failed,) = listing(admin)["invitations"]
    assert failed["state"] == "failed"
    assert failed["reason"].startswith("sending was interrupted twice")
