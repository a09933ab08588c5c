"""startImport keeps workers off until its selection is applied, however long that takes, and
stops applying it once the operation is replaced or taken from it."""

from datetime import timedelta

import pytest

from app.models import staging
from app.services import clock, imports
from tests.support import importfiles
from tests.support.fileroutes import imported, upload_json

# Two users selected of 1,003: the 1,001 others are deleted in two chunks of deletions.
ROWS = 1003
SELECTED = {"input": {"users": {"all": False, "list": ["user0", "user5"]}}}


class SlowDeletes:
    """Chunks of deletions that each take 40 s of the clock (the hold is 60 s), each running
    `during(chunk number)` first."""

    def __init__(self):
        self.now, self.chunks = clock.now(), []
        self.during = lambda chunk: None

    def advance(self, seconds):
        """Move the clock on."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def deletes(admin, worker, monkeypatch):
    """A prepared file of ROWS users, and its deletions slowed down."""
    assert upload_json(admin, importfiles.users_zip(rows=ROWS)).status_code == 200
    worker.run_pending()
    slow, real_delete = SlowDeletes(), staging.delete_ids
    monkeypatch.setattr(clock, "now", lambda: slow.now)

    def slow_delete(db_, record_ids):
        slow.chunks.append(len(slow.chunks) + 1)
        slow.advance(40)
        slow.during(slow.chunks[-1])
        real_delete(db_, record_ids)

    monkeypatch.setattr(staging, "delete_ids", slow_delete)
    return slow


def test_a_long_selection_keeps_its_hold_and_only_the_selected_users_are_imported(
    admin, db, worker, deletes
):
    claims = []
    deletes.during = lambda chunk: claims.append(worker.claim())  # a worker looks meanwhile
    assert admin.post("startImport", json=SELECTED).status_code == 200
    assert deletes.chunks == [1, 2] and claims == [None, None]  # 80 s, never claimable
    worker.run_pending()
    assert imported(db) == ["user0", "user5"]


def test_an_operation_replaced_during_the_selection_is_not_deleted_from_further(
    admin, db, worker, deletes
):
    deletes.during = lambda chunk: imports.new_operation(db, admin.user["_id"])
    response = admin.post("startImport", json=SELECTED)
    assert (response.status_code, response.json["error"]) == (400, "error-operation-not-found")
    assert deletes.chunks == [1]  # stopped after the chunk under way
    assert "_importLease" not in db.rocketchat_import.find_one({"valid": False})
    assert admin.get("import.status").json["state"] == "new"
    assert worker.run_pending() == 0 and imported(db) == []


def test_a_hold_lost_to_a_worker_stops_the_selection_and_says_the_status_changed(
    admin, db, worker, deletes
):
    claims = []

    def stall(chunk):
        deletes.advance(60)  # a database stall: the hold expires, and a worker claims the run
        claims.append(worker.claim())

    deletes.during = stall
    response = admin.post("startImport", json=SELECTED)
    assert response.status_code == 400
    assert response.json["error"] == "error-invalid-operation-status"
    assert deletes.chunks == [1]  # the run is the worker's now
    (claimed,) = claims
    assert db.rocketchat_import.find_one()["_importLease"]["worker"] == worker.worker_id
    assert claimed["status"] == "importer_importing_started"
