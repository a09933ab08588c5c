"""The rate limit, a cancel while a worker sends, and import.invitations' query."""

from datetime import timedelta

import pytest

from tests.support.apps import make_worker
from tests.support.factories import now
from tests.support.invites import imported as imported  # fixtures, as their names
from tests.support.invites import invite, listing, make_due
from tests.support.invites import mailbox as mailbox
from tests.support.invites import sender as sender


def test_the_rate_limit_holds_mails_back_until_their_turn(admin, db, mailbox, imported):
    worker = make_worker(db, INVITE_MAILS_PER_MINUTE=12)  # one mail every five seconds
    invite(admin)
    worker.run_pending()
    worker.stop()
    assert len(mailbox.messages) == 1
    assert listing(admin)["counts"] == {"queued": 2, "sent": 1, "failed": 0, "skipped": 0}
    job = db.bulkimport_invitation_jobs.find_one()
    assert job["dueAt"] > now() + timedelta(seconds=3)  # the next mail's turn


def test_a_cancel_reaches_the_worker_that_holds_the_job(admin, db, sender, mailbox, imported):
    invite(admin)
    alive = {"worker": "busy", "expiresAt": now() + timedelta(minutes=5)}
    db.bulkimport_invitation_jobs.update_many({}, {"$set": {"_lease": alive}})
    assert admin.post("import.invitations.cancel", {}).status_code == 200
    assert listing(admin)["counts"]["queued"] == 3  # the holder stops at its next write
    db.bulkimport_invitation_jobs.update_many({}, {"$set": {"_lease.worker": "test-sender"}})
    sender.run_pending()
    assert not mailbox.messages
    page = listing(admin)
    assert page["counts"]["skipped"] == 3 and page["status"] == "done"
    assert {i["reason"] for i in page["invitations"]} == {"cancelled"}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"state": "lost"}, "must be equal to one of the allowed values [invalid-params]"),
        ({"offset": -1}, "must be >= 0 [invalid-params]"),
        ({"count": "many"}, "must be number [invalid-params]"),
        ({"operationId": "nope"}, "Import Operation Not Found [error-operation-not-found]"),
    ],
)
def test_a_bad_query_is_refused(admin, imported, query, error):
    response = admin.get("import.invitations", query_string=query)
    assert response.status_code == 400
    assert response.json == {"success": False, "error": error, **_type_of(error)}


def _type_of(error):
    return {"errorType": error.rsplit("[", 1)[1].rstrip("]")}


def test_pages_follow_usernames(admin, sender, imported):
    invite(admin)
    sender.run_pending()
    first = listing(admin, count=2)
    second = listing(admin, count=2, offset=2)
    assert [i["username"] for i in first["invitations"] + second["invitations"]] == [
        "p0",
        "p1",
        "p2",
    ]
    assert first["total"] == 3 and second["count"] == 1


def test_a_job_claimed_before_its_retries_are_due_waits_for_them(
    admin, db, sender, mailbox, imported
):
    mailbox.refuse("*", "451 4.3.0 Try again later")
    invite(admin, {"users": ["p0"]})
    sender.run_pending()
    retry_at = db.bulkimport_invitations.find_one()["nextAttemptAt"]
    db.bulkimport_invitation_jobs.update_many({}, {"$set": {"dueAt": now()}})
    assert sender.run_pending() == 1  # one look, and the job waits for the retry
    assert db.bulkimport_invitation_jobs.find_one()["dueAt"] == retry_at


def test_each_temporary_failure_doubles_the_wait_before_the_next_attempt(
    admin, db, mailbox, imported
):
    worker = make_worker(db, INVITE_RETRY_SECONDS=60, INVITE_MAILS_PER_MINUTE=1_000_000)
    mailbox.refuse("*", "451 4.3.0 Try again later")
    invite(admin, {"users": ["p0"]})
    waits = []
    for _ in range(3):
        before = now()
        worker.run_pending()
        retry_at = db.bulkimport_invitations.find_one()["nextAttemptAt"]
        waits.append(round((retry_at - before).total_seconds()))
        make_due(db)
    worker.stop()
    assert waits == [60, 120, 240]
    assert not mailbox.messages
