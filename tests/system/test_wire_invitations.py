"""Invitations across processes on one MongoDB: a worker SIGKILLed in the middle of sending
is replaced, everyone gets a working link, nobody gets more than one duplicate."""

import collections

import pytest

from app.services import imports, invitations
from tests.support import factories
from tests.support.factories import person
from tests.support.mailbox import Mailbox, insert_mail_settings, reset_password, token_of
from tests.support.processes import Process, wait_for

pytestmark = pytest.mark.wire

PEOPLE = 240


@pytest.fixture
def db(migrated_wire_db):
    return migrated_wire_db


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


def worker(wire_url, log_path, **env):
    settings = {
        "MONGO_URL": wire_url,
        "BCRYPT_ROUNDS": 4,
        "IMPORT_POLL_SECONDS": 0.05,
        "INVITE_MAILS_PER_MINUTE": 1200,
        **env,
    }
    return Process(["worker"], log_path, **settings)


def imported(db, wire_url, tmp_path):
    """Import PEOPLE users without passwords with a worker process; return the operation."""
    admin, _ = factories.insert_user(db, roles=("admin",))
    operation = imports.new_operation(db, admin["_id"])
    people = [{k: v for k, v in person(n).items() if k != "password"} for n in range(PEOPLE)]
    imports.add_users(db, people)
    imports.start_import(db)
    importer = worker(wire_url, tmp_path / "importer.log")
    try:
        done = {"_id": operation["_id"], "status": "importer_done"}
        wait_for(lambda: db.rocketchat_import.find_one(done), 60, "the import")
    finally:
        importer.stop()
    return operation["_id"]


def test_a_killed_sender_is_replaced_and_nobody_gets_more_than_one_duplicate(
    db, wire_url, tmp_path, mailbox
):
    insert_mail_settings(db, mailbox.port)
    operation_id = imported(db, wire_url, tmp_path)
    assert invitations.invite(db)["queued"] == PEOPLE
    first = worker(wire_url, tmp_path / "first.log", IMPORT_LEASE_SECONDS=2)
    try:
        wait_for(lambda: len(mailbox.messages) >= 60, 60, "the first mails")
        first.kill()
    finally:
        first.stop()
    at_kill = len(mailbox.messages)
    assert at_kill < PEOPLE
    second = worker(wire_url, tmp_path / "second.log")
    try:
        sent = {"operationId": operation_id, "state": "sent"}
        wait_for(
            lambda: db.bulkimport_invitations.count_documents(sent) == PEOPLE, 120, "every mail"
        )
    finally:
        second.stop()
    received = collections.defaultdict(list)
    for message in mailbox.messages:
        received[message["To"].addresses[0].addr_spec].append(token_of(message))
    assert len(received) == PEOPLE
    assert max(len(tokens) for tokens in received.values()) <= 2
    for address, tokens in received.items():
        # A mail sent again carries the same link: whichever arrives first works.
        assert len(set(tokens)) == 1
        user = db.users.find_one({"emails.address": address})
        assert reset_password(db, tokens[0]) == user["_id"]
    assert db.bulkimport_invitation_jobs.find_one({"_id": operation_id})["status"] == "done"
    duplicates = len(mailbox.messages) - PEOPLE
    print(f"killed after {at_kill} mails; {duplicates} sent again after the takeover")
