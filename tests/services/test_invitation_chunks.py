"""A worker sends an operation's invitations in chunks, claiming the next one while a chunk
goes out: stopped in the middle, it leaves nobody in flight, and the next worker sends each
of the rest exactly once."""

import collections

from app.services import invitations
from tests.support.apps import make_worker
from tests.support.invites import FAST, insert_imported
from tests.support.invites import mailbox as mailbox  # a fixture, as its name
from tests.support.mailbox import insert_mail_settings

PEOPLE = 250  # three chunks of 100


class StopAfter(list):
    """The mailbox's list of messages, stopping a worker once it holds `count` of them."""

    def __init__(self, worker, count):
        super().__init__()
        self.worker, self.count = worker, count

    def append(self, message):
        super().append(message)
        if len(self) == self.count:
            self.worker.stop()


def addresses(messages):
    return collections.Counter(m["To"].addresses[0].addr_spec for m in messages)


def test_a_worker_stopped_mid_chunk_leaves_nobody_in_flight(db, mailbox):
    insert_mail_settings(db, mailbox.port)
    operation_id = insert_imported(db, PEOPLE)
    assert invitations.invite(db, operation_id)["queued"] == PEOPLE
    first = make_worker(db, worker_id="first", **FAST)
    mailbox.messages = StopAfter(first, 50)
    first.run_pending()
    stopped_at = len(mailbox.messages)
    assert db.bulkimport_invitations.count_documents({"state": "sending"}) == 0
    counts = invitations.listing(db, operation_id)["counts"]
    assert counts["sent"] == stopped_at and counts["queued"] == PEOPLE - stopped_at
    second = make_worker(db, worker_id="second", **FAST)
    second.run_pending()
    second.stop()
    received = addresses(mailbox.messages)
    assert len(received) == PEOPLE and set(received.values()) == {1}
    assert invitations.listing(db, operation_id)["counts"]["sent"] == PEOPLE


def test_sending_more_than_a_chunk_sends_everyone_once(db, mailbox):
    insert_mail_settings(db, mailbox.port)
    operation_id = insert_imported(db, PEOPLE)
    invitations.invite(db, operation_id)
    worker = make_worker(db, worker_id="only", **FAST)
    worker.run_pending()
    worker.stop()
    received = addresses(mailbox.messages)
    assert len(received) == PEOPLE and set(received.values()) == {1}
    listing = invitations.listing(db, operation_id)
    assert listing["counts"]["sent"] == PEOPLE and listing["status"] == "done"
