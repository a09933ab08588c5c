"""The service's own fields on an operation (`_importLease`, `_cancelRequested`) exist only
while a worker holds it: Rocket.Chat's import.status returns the whole document."""

from app.models import import_operations, users
from tests.support.factories import person


def stage(admin, count):
    assert admin.post("import.new").status_code == 200
    users_ = [person(n) for n in range(count)]
    assert admin.post("import.addUsers", json={"users": users_}).status_code == 200
    assert admin.post("import.run").status_code == 200


def operation_of(db):
    return db.rocketchat_import.find_one(sort=[("ts", -1)])


def test_a_finished_run_leaves_no_field_of_ours(db, admin, worker):
    seen = []
    worker.on_batch = lambda run: seen.append(set(operation_of(db)))
    stage(admin, 60)
    worker.run_pending()
    assert "_importLease" in seen[0]  # documented: Rocket.Chat shows it during a run
    assert not {"_importLease", "_cancelRequested"} & set(operation_of(db))


def test_a_run_cancelled_midway_leaves_no_field_of_ours(db, admin, worker, monkeypatch):
    real_insert, calls = users.insert_new, []

    def cancel_during_second_batch(db_, documents):
        calls.append(1)
        if len(calls) == 2:
            assert admin.post("import.cancel").status_code == 200
            assert operation_of(db)["_cancelRequested"] is True
        return real_insert(db_, documents)

    monkeypatch.setattr(users, "insert_new", cancel_during_second_batch)
    stage(admin, 200)
    worker.run_pending()
    operation = operation_of(db)
    assert operation["status"] == "importer_import_cancelled"
    assert not {"_importLease", "_cancelRequested"} & set(operation)


def test_a_cancel_asked_during_a_hand_over_reaches_the_next_worker(db, admin, worker):
    stage(admin, 60)
    assert worker.claim() is not None
    assert admin.post("import.cancel").status_code == 200  # the worker holds it: a request
    operation = operation_of(db)
    import_operations.release(db, operation["_id"], "test-worker", {}, operation["_updatedAt"])
    assert operation_of(db)["_cancelRequested"] is True  # handed over, not forgotten
    worker.run_pending()
    assert operation_of(db)["status"] == "importer_import_cancelled"
    assert "_cancelRequested" not in operation_of(db)
