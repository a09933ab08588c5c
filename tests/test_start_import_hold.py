"""startImport keeps workers off until its selection is applied, however long that takes."""

from datetime import timedelta

from app.models import staging
from app.services import clock, selection
from tests import importfiles
from tests.fileroutes import imported, upload_json


def test_a_long_selection_keeps_its_hold_and_only_the_selected_users_are_imported(
    admin, db, worker, monkeypatch
):
    assert upload_json(admin, importfiles.users_zip(rows=6)).status_code == 200
    worker.run_pending()
    # Each chunk of deletions takes 40 s of the clock: three chunks outlast a 60 s hold.
    started = clock.now()
    moments = iter(started + timedelta(seconds=40 * n) for n in range(100))
    now = {"value": started}
    monkeypatch.setattr(clock, "now", lambda: now["value"])
    monkeypatch.setattr(selection, "_DELETE_CHUNK", 1)
    claims, delete_ids = [], staging.delete_ids

    def slow_delete(db_, record_ids):
        now["value"] = next(moments)
        claims.append(worker.claim())  # another worker looking for a run meanwhile
        delete_ids(db_, record_ids)

    monkeypatch.setattr(staging, "delete_ids", slow_delete)
    body = {"input": {"users": {"all": False, "list": ["user0", "user5"]}}}
    assert admin.post("startImport", json=body).status_code == 200
    assert claims == [None, None, None, None]  # four unselected users, never claimable
    monkeypatch.setattr(staging, "delete_ids", delete_ids)
    worker.run_pending()
    assert imported(db) == ["user0", "user5"]
