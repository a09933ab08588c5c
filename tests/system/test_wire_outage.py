"""The database goes away and comes back: the API answers 503, the import finishes exactly."""

import time

import pymongo
import pytest

from app import close_app
from app.models import connection
from app.services import imports, migrations
from tests.support import factories
from tests.support.apps import make_app
from tests.support.processes import Process, wait_for
from tests.support.wire import free_port, start, url_for, wait_until_up

pytestmark = pytest.mark.wire


class RestartableServer:
    """A wire server of our own whose data survives a stop and a start."""

    def __init__(self, folder):
        self.address = f"127.0.0.1:{free_port()}"
        self.storage = str(folder / "data")
        self.process = None
        self.up()

    def up(self):
        self.process = start(self.address, storage=self.storage)
        with pymongo.MongoClient(url_for(self.address, "admin")) as client:
            wait_until_up(client)

    def down(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def server(tmp_path):
    server = RestartableServer(tmp_path)
    yield server
    server.down()


def test_a_worker_rides_out_a_database_restart(server, tmp_path):
    url = url_for(server.address, "rc")
    db = connection.connect(url, 2000)
    migrations.migrate(db)
    admin, _ = factories.insert_user(db, roles=("admin",))
    operation = imports.new_operation(db, admin["_id"])
    people = [
        {
            "username": f"o{n}",
            "emails": [f"o{n}@example.com"],
            "importIds": [f"o{n}"],
            "password": "pw",
        }
        for n in range(600)
    ]
    imports.add_users(db, people)
    imports.start_import(db)
    worker = Process(
        ["worker"],
        tmp_path / "worker.log",
        MONGO_URL=url,
        BCRYPT_ROUNDS=7,
        MONGO_TIMEOUT_MS=1000,
        IMPORT_POLL_SECONDS=0.2,
    )

    def progress():
        return (db.rocketchat_import.find_one({"_id": operation["_id"]}).get("count") or {}).get(
            "completed", 0
        )

    try:
        wait_for(lambda: progress() >= 100, 60, "the first batches")
        server.down()
        app = make_app(MONGO_URL=url, MONGO_TIMEOUT_MS=1000, LOG_LEVEL="CRITICAL")
        started = time.monotonic()
        response = app.test_client().get(
            "/api/v1/import.status", headers={"X-User-Id": "x", "X-Auth-Token": "y"}
        )
        assert response.status_code == 503 and time.monotonic() - started < 5
        close_app(app)
        wait_for(
            lambda: any("database unavailable" in line["message"] for line in worker.log_lines()),
            30,
            "the worker to notice",
        )
        server.up()
        wait_for(
            lambda: (
                db.rocketchat_import.find_one({"_id": operation["_id"]})["status"]
                == "importer_done"
            ),
            120,
            "the import to finish",
        )
    finally:
        worker.stop()
    final = db.rocketchat_import.find_one({"_id": operation["_id"]})
    assert final["count"] == {"total": 600, "users": 600, "completed": 600, "error": 0}
    import_ids = [u["importIds"][0] for u in db.users.find({"importIds": {"$exists": True}})]
    assert len(import_ids) == len(set(import_ids)) == 600
    assert db.rocketchat_import_data.count_documents({}) == 0
    db.client.close()
