"""The fault matrix: each fault in each phase of a job, on a replica-set wire server with
failpoints; every job ends with exact counts and nothing twice, every request answers."""

import time

import pytest

from app import close_app
from app.config import load_settings
from app.extensions.db import get_db_of
from app.models import connection
from app.services import imports, migrations
from app.services.worker import Worker
from tests.support import factories, importfiles
from tests.support.apps import Caller
from tests.support.apps import make_app as make_test_app
from tests.support.failpoints import (
    API_APP,
    INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
    FailedCommands,
    FailPoints,
    closed_connection,
    not_writable_primary,
)
from tests.support.fileroutes import upload_json
from tests.support.processes import wait_for

pytestmark = pytest.mark.wire

ROWS = 300
NO_HANG_SECONDS = 4  # a request that waited for a primary (5 s before this change) hung


class Bench:
    """An API (in this process) and one import worker thread on a fresh database."""

    def __init__(self, server):
        self.url = server.new_database_url()
        self.app = make_test_app(MONGO_URL=self.url, RATE_LIMIT_ENABLED=False)
        self.db = get_db_of(self.app)
        migrations.migrate(self.db)
        factories.insert_permissions(self.db)
        factories.insert_roles(self.db)
        user, token = factories.insert_user(self.db, roles=("admin", "user"), username="admin")
        self.admin = Caller(self.app.test_client(), user, token)
        self.failed = FailedCommands()
        self.faults = FailPoints(server.address)
        self.worker = None

    def start_worker(self):
        """Run an import worker thread on its own client (appName rc-bulk-import worker)."""
        db = connection.connect(self.url, 2000, role="worker", event_listeners=[self.failed])
        settings = load_settings({"BCRYPT_ROUNDS": 4, "IMPORT_POLL_SECONDS": 0.1})
        self.worker = Worker.from_settings(db, settings)
        self.worker.start()

    def state(self, wanted, timeout=120):
        """Wait until import.status reports `wanted`; return its operation."""
        status = wait_for(
            lambda: (s := self.admin.get("import.status").json).get("state") == wanted and s,
            timeout,
            wanted,
        )
        return status["operation"]

    def close(self):
        """Stop the worker, disarm, drop the database."""
        if self.worker:
            self.worker.stop(timeout=30)
            self.worker.db.client.close()
        self.faults.close()
        self.db.client.drop_database(self.db.name)
        close_app(self.app)


@pytest.fixture
def bench(fault_server):
    bench = Bench(fault_server)
    yield bench
    bench.close()


def _imported(db):
    users = list(db.users.find({"importIds": {"$exists": True}}, {"importIds": 1}))
    return len(users), len({u["importIds"][0] for u in users})


PREPARATION_FAULTS = [
    not_writable_primary(["insert"]),  # the driver retries the staged rows' insert
    not_writable_primary(["insert"], retryable=False),  # the worker retries: starts again
    closed_connection(["insert"]),  # the driver retries
    not_writable_primary(["findAndModify"]),  # the lease's renewal: the driver retries
]


@pytest.mark.parametrize("fault", PREPARATION_FAULTS, ids=lambda f: f.name)
def test_a_file_preparation_and_its_run_survive(bench, fault):
    assert upload_json(bench.admin, importfiles.users_zip(rows=ROWS)).status_code == 200
    bench.faults.arm(fault)
    bench.start_worker()

    ready = bench.state("ready")
    assert ready["count"]["users"] == ROWS
    assert bench.db.rocketchat_import_data.count_documents({"dataType": "user"}) == ROWS
    everyone = {"input": {"users": {"all": True}}}
    assert bench.admin.post("startImport", json=everyone).status_code == 200
    done = bench.state("done")

    assert fault.commands[0] in bench.failed.names, "the fault never hit the worker"
    assert done["count"]["completed"] == ROWS and done["count"]["error"] == 0
    assert _imported(bench.db) == (ROWS, ROWS)


RUN_FAULTS = [
    not_writable_primary(["insert"], retryable=False),  # the worker retries the batch
    not_writable_primary(["insert"], code=INTERRUPTED_DUE_TO_REPL_STATE_CHANGE),
    not_writable_primary(["delete"]),  # multi-document: the worker retries
    closed_connection(["findAndModify"]),  # the lease's renewal: the driver retries
]


@pytest.mark.parametrize("fault", RUN_FAULTS, ids=lambda f: f.name)
def test_an_api_import_run_survives(bench, fault):
    operation = imports.new_operation(bench.db, bench.admin.user["_id"])
    imports.add_users(bench.db, [factories.person(n) for n in range(ROWS)])
    imports.start_import(bench.db)
    bench.faults.arm(fault)
    bench.start_worker()

    done = bench.state("done")

    assert fault.commands[0] in bench.failed.names, "the fault never hit the worker"
    assert done["_id"] == operation["_id"]
    assert done["count"] == {"total": ROWS, "users": ROWS, "completed": ROWS, "error": 0}
    assert _imported(bench.db) == (ROWS, ROWS)


def test_a_request_during_a_step_down_answers_503_with_retry_after_at_once(bench):
    # Every read of the API fails: the first try and the driver's retry.
    bench.faults.arm(not_writable_primary(["find"], app=API_APP), times=2)
    started = time.monotonic()
    response = bench.admin.get("import.status")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json == {
        "success": False,
        "error": "Service unavailable: the database cannot be reached. Try again later.",
    }
    assert int(response.headers["Retry-After"]) > 0
    assert elapsed < NO_HANG_SECONDS
    assert bench.admin.get("import.status").status_code == 200


def test_a_request_rides_a_cut_connection(bench):
    bench.faults.arm(closed_connection(["find"], app=API_APP))
    assert bench.admin.get("import.status").status_code == 200


def test_a_request_rides_a_step_down_the_driver_retries(bench):
    bench.faults.arm(not_writable_primary(["find"], app=API_APP))
    assert bench.admin.get("import.status").status_code == 200
