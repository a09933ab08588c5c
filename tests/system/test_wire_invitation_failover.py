"""Invitations sent by two worker processes through a primary stepping down and cut
connections: every person ends `sent`, nobody is lost, nobody gets more than one duplicate
(with the same working link), and a person the SMTP server refuses ends `failed` with its
words, the import untouched."""

import collections

import pytest

from app.models import connection
from app.services import invitations, migrations
from tests.support.failpoints import (
    ANY_APP,
    FailPoints,
    FaultPlan,
    closed_connection,
    not_writable_primary,
)
from tests.support.invites import insert_imported
from tests.support.mailbox import Mailbox, insert_mail_settings, reset_password, token_of
from tests.support.processes import Process, wait_for

pytestmark = pytest.mark.wire

PEOPLE = 400
REFUSED = "f400u7@example.com"  # insert_imported's address of the eighth person
# (mails received when armed, fault): updates are the tokens' and the states' bulk writes
# (multi-document, which the driver never retries), findAndModify the job's lease.
FAULTS = [
    (40, not_writable_primary(["update"])),
    (120, closed_connection(["update"])),
    (200, not_writable_primary(["findAndModify"])),
    (280, closed_connection(["find"], app=ANY_APP)),
]


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    box.refuse(REFUSED, "550 5.1.1 No such user here")
    yield box
    box.close()


@pytest.fixture(scope="module")
def run(fault_server, mailbox, tmp_path_factory):
    """Invite PEOPLE imported users, send with two workers while FAULTS are armed."""
    url = fault_server.new_database_url()
    db = connection.connect(url, 5000)  # appName "rc-bulk-import": no fault targets it
    migrations.migrate(db)
    insert_mail_settings(db, mailbox.port)
    operation_id = insert_imported(db, PEOPLE, prefix="f")
    assert invitations.invite(db, operation_id)["queued"] == PEOPLE
    folder = tmp_path_factory.mktemp("invitation-failover")
    environment = {
        "MONGO_URL": url,
        "IMPORT_LEASE_SECONDS": 3,
        "IMPORT_POLL_SECONDS": 0.1,
        "MONGO_TIMEOUT_MS": 2000,
        "INVITE_MAILS_PER_MINUTE": 3000,  # 50 a second: the faults land mid-way
    }
    workers = [Process(["worker"], folder / f"worker{n}.log", **environment) for n in (1, 2)]
    plan = FaultPlan(FailPoints(fault_server.address), progress=lambda: len(mailbox.messages))
    for threshold, fault in FAULTS:
        plan.at(threshold, fault)
    try:
        with plan.running():
            wait_for(lambda: _settled(db, operation_id), 180, "every invitation settled")
    finally:
        for worker in workers:
            worker.stop()
        plan.failpoints.client.close()
    yield db, operation_id, plan.fired
    db.client.drop_database(db.name)
    db.client.close()


def _settled(db, operation_id):
    open_ = {"operationId": operation_id, "state": {"$in": ["queued", "sending"]}}
    return db.bulkimport_invitations.count_documents(open_) == 0


def received(mailbox):
    """Return {address: [token of each mail it received]}."""
    tokens = collections.defaultdict(list)
    for message in mailbox.messages:
        tokens[message["To"].addresses[0].addr_spec].append(token_of(message))
    return tokens


def test_every_fault_was_armed_while_sending(run):
    _, _, fired = run
    assert [name for name, _, _ in fired] == [fault.name for _, fault in FAULTS]


def test_everyone_is_sent_once_at_most_one_duplicate_with_the_same_link(run, mailbox):
    db, operation_id, _ = run
    counts = invitations.listing(db, operation_id)["counts"]
    assert counts == {"queued": 0, "sent": PEOPLE - 1, "failed": 1, "skipped": 0}
    tokens = received(mailbox)
    assert len(tokens) == PEOPLE - 1 and REFUSED not in tokens  # nobody lost
    assert max(len(sent) for sent in tokens.values()) <= 2
    assert all(len(set(sent)) == 1 for sent in tokens.values())
    duplicates = sum(len(sent) - 1 for sent in tokens.values())
    print(f"{duplicates} mails sent again after the faults")


def test_each_link_opens_its_persons_account(run, mailbox):
    db, _, _ = run
    for address, sent in received(mailbox).items():
        user = db.users.find_one({"emails.address": address}, {"_id": 1})
        assert reset_password(db, sent[0]) == user["_id"]


def test_a_refusing_server_fails_that_person_with_its_words_the_import_untouched(run):
    db, operation_id, _ = run
    (failed,) = invitations.listing(db, operation_id, state="failed")["invitations"]
    assert (failed["email"], failed["reason"]) == (REFUSED, "550 5.1.1 No such user here")
    assert db.rocketchat_import.find_one({"_id": operation_id})["status"] == "importer_done"
    job = db.bulkimport_invitation_jobs.find_one({"_id": operation_id})
    assert job["status"] == "done"
