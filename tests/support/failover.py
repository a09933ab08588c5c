"""An API import run by worker processes while faults are armed, with import.status polled
all along: the scenario of the failover test and of `python -m bench.failover`."""

import threading
import time
from dataclasses import dataclass, field

from app import close_app
from app.contract import states
from app.models import connection
from app.services import imports, migrations
from tests.support import factories
from tests.support.apps import make_app
from tests.support.failpoints import FailPoints, FaultPlan
from tests.support.processes import Process, wait_for

STATUS = "/api/v1/import.status"


@dataclass
class Sample:
    """One import.status call: when, how long it took, and what it answered."""

    at: float
    seconds: float
    status: int
    retry_after: str | None
    state: str | None


@dataclass
class Result:
    """What a run under faults ended with."""

    operation: dict
    distinct_users: int
    imported_users: int
    staged_left: int
    samples: list = field(default_factory=list)
    fired: list = field(default_factory=list)
    claims: list = field(default_factory=list)  # (worker log, worker id) per claim

    def during_faults(self):
        """Return the samples taken from the first fault armed to the end of the run."""
        start = self.fired[0][2] if self.fired else 0
        return [s for s in self.samples if s.at >= start]


class StatusPoller:
    """Calls import.status as an administrator's console does, on a thread, recording each."""

    def __init__(self, app, headers, interval=0.1):
        self.client, self.headers, self.interval = app.test_client(), headers, interval
        self.samples, self._done = [], threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._done.set()
        self._thread.join(30)

    def _poll(self):
        while not self._done.is_set():
            started = time.monotonic()
            response = self.client.get(STATUS, headers=self.headers)
            seconds = time.monotonic() - started
            state = (response.json or {}).get("state")
            retry = response.headers.get("Retry-After")
            self.samples.append(Sample(started, seconds, response.status_code, retry, state))
            self._done.wait(self.interval)


def people(count):
    """Return `count` distinct users as import.addUsers takes them."""
    return [factories.person(n) for n in range(count)]


def import_under_faults(server, folder, steps, *, users=3000, workers=2, lease_seconds=3):
    """Stage users, run them on worker processes while `steps` ((threshold, fault, times))
    are armed as the count of created users grows; return the Result."""
    url = server.new_database_url()
    db = connection.connect(url, 5000)  # appName "rc-bulk-import": no fault targets it
    migrations.migrate(db)
    factories.insert_permissions(db)
    factories.insert_roles(db)
    admin, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
    operation = imports.new_operation(db, admin["_id"])
    imports.add_users(db, people(users))
    imports.start_import(db)
    environment = {
        "MONGO_URL": url,
        "BCRYPT_ROUNDS": 4,
        "IMPORT_LEASE_SECONDS": lease_seconds,
        "IMPORT_POLL_SECONDS": 0.2,
        "MONGO_TIMEOUT_MS": 2000,
    }
    processes = [
        Process(["worker"], folder / f"worker{n}.log", **environment) for n in range(workers)
    ]
    app = make_app(MONGO_URL=url, LOG_LEVEL="CRITICAL")
    plan = FaultPlan(FailPoints(server.address), progress=lambda: _completed(db, operation))
    for threshold, fault, times in steps:
        plan.at(threshold, fault, times)
    headers = {"X-User-Id": admin["_id"], "X-Auth-Token": token}
    try:
        with StatusPoller(app, headers) as poller, plan.running():
            wait_for(lambda: _finished(db, operation), 600, "the import to end")
    finally:
        for process in processes:
            process.stop()
        close_app(app)
        plan.failpoints.client.close()
    result = _result(db, operation, poller.samples, plan.fired, processes)
    db.client.drop_database(db.name)
    db.client.close()
    return result


def _completed(db, operation):
    found = db.rocketchat_import.find_one({"_id": operation["_id"]}, {"count": 1}) or {}
    return (found.get("count") or {}).get("completed", 0)


def _finished(db, operation):
    found = db.rocketchat_import.find_one({"_id": operation["_id"]}, {"status": 1})
    return found["status"] in (states.DONE, states.FAILED, states.CANCELLED)


def _result(db, operation, samples, fired, processes):
    imported = list(db.users.find({"importIds": {"$exists": True}}, {"importIds": 1}))
    claims = [
        (process.log_path.name, line.get("message"))
        for process in processes
        for line in process.log_lines()
        if "claimed by" in line.get("message", "")
    ]
    return Result(
        operation=db.rocketchat_import.find_one({"_id": operation["_id"]}),
        distinct_users=len({user["importIds"][0] for user in imported}),
        imported_users=len(imported),
        staged_left=db.rocketchat_import_data.count_documents({}),
        samples=samples,
        fired=fired,
        claims=claims,
    )
