"""Real database faults for any long job's tests: MongoDB's `failCommand` failpoint on a wire
server of our own that advertises a replica set, driven as MongoDB's driver tests drive it.

    server = FaultServer()                       # or the `fault_server` fixture (one per module)
    url = server.new_database_url()              # mongodb://...?replicaSet=secantus
    faults = FailPoints(server.address)
    faults.arm(not_writable_primary(["insert"]))          # the next worker insert fails once
    faults.arm(closed_connection(["find"], app=ANY_APP))  # the next find of anyone
    faults.arm(blocked_connection(["update"], seconds=5), times=1)
    plan = FaultPlan(faults, progress=lambda: done_so_far())  # arm each when progress allows
    plan.at(300, not_writable_primary(["insert"]))
    with plan.running(): ...                      # plan.fired: what was armed, when

A fault targets the clients whose appName it names: the service's processes name theirs
`rc-bulk-import <role>` (WORKER_APP, API_APP), so the test's own client is never hit.
One failCommand is armed at a time (arming replaces it), as on MongoDB.
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import pymongo
from pymongo import monitoring

from tests.support.wire import free_port, replica_set_url_for, start, stop, wait_until_up

NOT_WRITABLE_PRIMARY = 10107
INTERRUPTED_DUE_TO_REPL_STATE_CHANGE = 11602
RETRYABLE = "RetryableWriteError"
WORKER_APP = "rc-bulk-import worker"
API_APP = "rc-bulk-import api"
ANY_APP = None


@dataclass(frozen=True)
class Fault:
    """One failCommand: which commands fail, how, and for which application."""

    name: str
    commands: tuple
    data: dict
    app: str | None = WORKER_APP

    def command(self, times):
        """Return the configureFailPoint command arming this fault for `times` commands."""
        data = {"failCommands": list(self.commands), **self.data}
        if self.app:
            data["appName"] = self.app
        return {"configureFailPoint": "failCommand", "mode": {"times": times}, "data": data}


def not_writable_primary(commands, *, retryable=True, code=NOT_WRITABLE_PRIMARY, app=WORKER_APP):
    """A primary stepping down: the command fails with NotWritablePrimary (or `code`)."""
    data = {"errorCode": code}
    if retryable:
        data["errorLabels"] = [RETRYABLE]
    label = "" if retryable else " (no retryable label)"
    return Fault(f"error {code}{label} on {'/'.join(commands)}", tuple(commands), data, app)


def closed_connection(commands, *, app=WORKER_APP):
    """A network cut: the server closes the connection instead of answering."""
    return Fault(
        f"closed connection on {'/'.join(commands)}",
        tuple(commands),
        {"closeConnection": True},
        app,
    )


def blocked_connection(commands, *, seconds, app=WORKER_APP):
    """A stalled primary: the command waits `seconds` before it runs."""
    data = {"blockConnection": True, "blockTimeMS": int(seconds * 1000)}
    return Fault(f"blocked {seconds:g} s on {'/'.join(commands)}", tuple(commands), data, app)


class FaultServer:
    """A wire server of our own with test commands on, advertising a single-node replica set."""

    def __init__(self, flags=()):
        self.address = f"127.0.0.1:{free_port()}"
        self.process = start(
            self.address, replica_set=True, flags=("--enable-test-commands", *flags)
        )
        self.client = pymongo.MongoClient(replica_set_url_for(self.address, "admin"))
        wait_until_up(self.client)

    def new_database_url(self, prefix="f", **options):
        """Return the MONGO_URL of a fresh database, as Rocket.Chat's administrators write it."""
        return replica_set_url_for(self.address, f"{prefix}_{time.monotonic_ns()}", **options)

    def close(self):
        """Stop the server."""
        self.client.close()
        stop(self.process)


class FailPoints:
    """Arms and disarms failCommand on one server, from a client no fault targets."""

    def __init__(self, address):
        self.client = pymongo.MongoClient(
            replica_set_url_for(address, "admin"), appname="failpoints"
        )

    def arm(self, fault, times=1):
        """Make the next `times` matching commands fail as `fault` says."""
        self.client.admin.command(fault.command(times))

    def off(self):
        """Disarm."""
        self.client.admin.command("configureFailPoint", "failCommand", mode="off")

    def close(self):
        """Disarm and close the client."""
        self.off()
        self.client.close()


@dataclass
class FaultPlan:
    """Faults armed one after the other as a job progresses, from a background thread.

    Each fault is armed once progress() reaches its threshold and the previous one has had
    `settle` more progress to be consumed (arming replaces the failpoint).
    """

    failpoints: FailPoints
    progress: object  # a callable returning a number that grows as the job works
    settle: int = 100
    steps: list = field(default_factory=list)
    fired: list = field(default_factory=list)  # (fault name, progress when armed, monotonic)

    def at(self, threshold, fault, times=1):
        """Arm fault (for `times` commands) once progress() reaches threshold."""
        self.steps.append((threshold, fault, times))
        return self

    @contextmanager
    def running(self):
        """Arm the steps in the background for the duration of the block."""
        done = threading.Event()
        thread = threading.Thread(target=self._run, args=(done,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            done.set()
            thread.join(10)
            self.failpoints.off()

    def _run(self, done):
        floor = 0
        for threshold, fault, times in sorted(self.steps, key=lambda step: step[0]):
            while not done.is_set() and self.progress() < max(threshold, floor):
                time.sleep(0.05)
            if done.is_set():
                return
            now = self.progress()
            self.failpoints.arm(fault, times)
            self.fired.append((fault.name, now, time.monotonic()))
            floor = now + self.settle


class FailedCommands(monitoring.CommandListener):
    """Names the commands that failed on a client (pass it in `event_listeners=[...]`)."""

    def __init__(self):
        self.names = []

    def started(self, event):
        """Nothing to note."""

    def succeeded(self, event):
        """Nothing to note."""

    def failed(self, event):
        """Note the failed command's name."""
        self.names.append(event.command_name)
