"""startImport cut short by a failover: its selection is never imported half-applied."""

from pymongo.errors import NotPrimaryError

from app.models import staging
from tests.support import importfiles
from tests.support.fileroutes import imported, upload_json

SELECTION = {"input": {"users": {"all": False, "list": ["user0", "user5"]}}}


def _ready(admin, worker):
    assert upload_json(admin, importfiles.users_zip(rows=6)).status_code == 200
    worker.run_pending()
    assert admin.get("import.status").json["state"] == "ready"


def _step_down_during(monkeypatch, function_name, failures):
    original = getattr(staging, function_name)
    left = {"failures": failures}

    def failing(*args, **kwargs):
        if left["failures"]:
            left["failures"] -= 1
            raise NotPrimaryError("not primary")
        return original(*args, **kwargs)

    monkeypatch.setattr(staging, function_name, failing)


def test_a_start_import_cut_short_answers_503_and_steps_back_to_the_selection(
    admin, db, worker, monkeypatch
):
    _ready(admin, worker)
    _step_down_during(monkeypatch, "delete_ids", failures=1)

    response = admin.post("startImport", json=SELECTION)

    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json["success"] is False
    assert admin.get("import.status").json["state"] == "ready"
    worker.run_pending()
    assert imported(db) == []


def test_a_start_import_sent_again_after_the_failover_imports_the_selection(
    admin, db, worker, monkeypatch
):
    _ready(admin, worker)
    _step_down_during(monkeypatch, "delete_ids", failures=1)
    admin.post("startImport", json=SELECTION)

    assert admin.post("startImport", json=SELECTION).status_code == 200
    worker.run_pending()
    assert imported(db) == ["user0", "user5"]


def test_a_selection_left_half_applied_goes_back_to_the_selection_not_to_the_run(
    admin, db, worker, monkeypatch
):
    _ready(admin, worker)
    # The database stays away: startImport cannot even step back before its hold expires.
    _step_down_during(monkeypatch, "delete_ids", failures=1)
    monkeypatch.setattr("app.models.import_operations.release", _unreachable)
    admin.post("startImport", json=SELECTION)
    monkeypatch.undo()
    db.rocketchat_import.update_many({}, {"$set": {"_importLease.expiresAt": _long_ago()}})

    worker.run_pending()

    assert imported(db) == []
    assert admin.get("import.status").json["state"] == "ready"
    assert admin.post("startImport", json=SELECTION).status_code == 200
    worker.run_pending()
    assert imported(db) == ["user0", "user5"]


def _unreachable(*args, **kwargs):
    raise NotPrimaryError("not primary")


def _long_ago():
    from datetime import datetime

    return datetime(2000, 1, 1)
