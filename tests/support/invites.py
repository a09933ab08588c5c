"""What the invitation tests share: a worker that mails at once, three people imported through
the API with Rocket.Chat's mail settings pointing at a local SMTP server, and calls."""

from datetime import timedelta

import pytest

from app.contract import states
from app.contract.identities import identity
from app.services import accounts, clock
from tests.support.apps import make_worker
from tests.support.factories import now, person
from tests.support.mailbox import Mailbox, insert_mail_settings

FAST = {"INVITE_MAILS_PER_MINUTE": 1_000_000}


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


@pytest.fixture
def sender(db):
    """A worker that mails as fast as the server takes it, run with run_pending()."""
    worker = make_worker(db, worker_id="test-sender", **FAST)
    yield worker
    worker.stop()


@pytest.fixture
def imported(admin, sender, db, mailbox):
    """Three users imported without passwords through the API, and mail settings in place."""
    insert_mail_settings(db, mailbox.port)
    return import_people(admin, sender, [passwordless(n) for n in range(3)])


def passwordless(n, **fields):
    user = person(n, **{"name": f"Person Number{n}", **fields})
    del user["password"]
    return user


def import_people(admin, worker, people):
    """Run an API import of these people to the end; return its operation id."""
    operation = admin.post("import.new").json["operation"]
    assert admin.post("import.addUsers", {"users": people}).status_code == 200
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    return operation["_id"]


def invite(admin, body=None):
    response = admin.post("import.invite", body or {})
    assert response.status_code == 200, response.json
    return response.json


def listing(admin, **query):
    response = admin.get("import.invitations", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def make_due(db):
    """Let the time of every retry come (rather than waiting for it)."""
    past = now() - timedelta(seconds=1)
    db.bulkimport_invitations.update_many({}, {"$set": {"nextAttemptAt": past}})
    db.bulkimport_invitation_jobs.update_many({}, {"$set": {"dueAt": past}})


def insert_imported(db, count, prefix="s"):
    """Insert a finished operation and `count` users it created without passwords, as the
    runner writes them (in thousands, not through the API); return the operation's id."""
    started = clock.now()
    operation = {"_id": f"bench-{prefix}{count}", "status": states.DONE, "valid": True}
    db.rocketchat_import.insert_one({**operation, "ts": started, "type": "api"})
    created = started + timedelta(milliseconds=1)
    for first in range(0, count, 5000):
        db.users.insert_many(
            [_imported(prefix, count, n, created) for n in range(first, min(first + 5000, count))]
        )
    return operation["_id"]


def _imported(prefix, count, n, created):
    name = f"{prefix}{count}u{n}"
    data = {"username": name, "emails": [f"{name}@example.com"], "importIds": [f"{count}-{n}"]}
    return accounts.new_user(f"id-{name}", data, identity(data), "$2b$10$" + "x" * 53, created)
