"""In embedded mode one command does everything: the API process runs a worker thread."""

import threading

from app.extensions.db import get_db
from app.extensions.worker_binding import get_worker
from tests.support import factories
from tests.support.apps import Caller, make_app


def test_the_worker_thread_imports_after_import_run():
    app = make_app(IMPORT_WORKER="thread", BCRYPT_ROUNDS=4, IMPORT_POLL_SECONDS=30)
    with app.app_context():
        db, worker = get_db(), get_worker()
        factories.insert_permissions(db)
        factories.insert_roles(db)
        user, token = factories.insert_user(db, roles=("admin",))
        admin = Caller(app.test_client(), user, token)
        finished = threading.Event()
        worker.on_run_end = lambda run: finished.set()
        try:
            admin.post("import.new")
            people = [{"emails": [f"p{n}@example.com"], "importIds": [str(n)]} for n in range(60)]
            admin.post("import.addUsers", json={"users": people})
            assert admin.post("import.run").status_code == 200
            # import.run wakes the thread at once; a 30 s poll would time this out.
            assert finished.wait(timeout=20)
            status = admin.get("import.status").json
            assert status["state"] == "done"
            assert status["operation"]["count"]["completed"] == 60
        finally:
            worker.stop(timeout=10)
    assert not worker.is_running()
