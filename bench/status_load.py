"""import.status under load, next to a bare route and a raw-pymongo route on the same gunicorn.

Usage: python -m bench.status_load [--seconds 3] [--rounds 1] [--import-users 20000]
"""

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from pymongo import monitoring

from app import close_app, create_app
from app.contract import states
from app.models import import_operations
from app.services import imports
from bench.common import (
    CommandCounter,
    insert_admin,
    log,
    migrated_database,
    ratio,
    stage,
    wire_server,
)
from bench.serving import gunicorn, wrk
from tests.support import factories
from tests.support.processes import Process, wait_for

STATUS = "/api/v1/import.status"
ROUTES = {"bare": "/bench/bare", "raw": "/bench/raw-status", "import.status": STATUS}
CLIENTS = (1, 8, 32)
THROUGHPUT_TARGET = 0.8  # of the raw route's requests/s at 8 clients
ROUND_TRIP_TARGET = 3
METRICS = ("rps", "p50_ms", "p99_ms")
BUSY_ROUTES = ("raw", "import.status")  # loaded idle and while an import runs


def caller(db):
    """Insert an admin and a finished operation; return the admin's headers."""
    user, token = insert_admin(db)
    count = {"total": 10, "users": 10, "completed": 9, "error": 1}
    factories.insert_operation(db, status=states.DONE, count=count)
    return {"X-User-Id": user["_id"], "X-Auth-Token": token}


def load_matrix(base, headers, seconds, rounds, clients_counts=CLIENTS, warm_up=True):
    """Load every route at every client count, interleaved; return the median of the rounds."""
    samples = {(name, clients): [] for name in ROUTES for clients in clients_counts}
    for _ in range(rounds):
        for clients in clients_counts:
            for name, path in ROUTES.items():
                if warm_up:
                    wrk(base + path, clients, 1, headers)  # warm connections and caches up
                samples[name, clients].append(wrk(base + path, clients, seconds, headers))
    table = {name: {} for name in ROUTES}
    for (name, clients), runs in samples.items():
        table[name][clients] = median_of(runs)
        log(f"{name} at {clients} clients: {table[name][clients]}")
    return table


def median_of(runs):
    """Return the median of each metric over wrk runs, and the failures added up."""
    merged = {key: round(statistics.median(run[key] for run in runs), 3) for key in METRICS}
    merged["non_2xx"] = sum(run["non_2xx"] for run in runs)
    merged["rounds"] = len(runs)
    return merged


def status_round_trips(url, headers):
    """Return the commands one import.status call sends, after the pool is warm."""
    counter = CommandCounter(recording=False)
    monitoring.register(counter)  # for the clients created from now on: the app's
    app = create_app({"MONGO_URL": url, "LOG_LEVEL": "WARNING", "IMPORT_WORKER": "off"})
    try:
        client = app.test_client()
        client.get(STATUS, headers=headers)  # the connection pool warms up
        counter.recording = True
        answer = client.get(STATUS, headers=headers)
        counter.recording = False
    finally:
        close_app(app)
    assert answer.status_code == 200, answer.json
    return counter.names


def during_import(base, db, url, headers, seconds, users, workdir):
    """Load import.status and the raw route at 8 clients idle, then while a worker imports."""
    idle = {name: wrk(base + ROUTES[name], 8, seconds, headers) for name in BUSY_ROUTES}
    operation = stage(db, users)
    imports.start_import(db)
    worker = Process(["worker"], Path(workdir) / "worker.log", MONGO_URL=url, LOG_LEVEL="WARNING")
    try:
        wait_for(lambda: completed(db) > 0, 120, "the import to start")
        busy = {name: wrk(base + ROUTES[name], 8, seconds, headers) for name in BUSY_ROUTES}
        still = import_operations.current(db)
    finally:
        worker.stop()
    running = still["_id"] == operation["_id"] and still["status"] == states.IMPORTING_USERS
    return {
        "clients": 8,
        "idle": idle,
        "during_import": busy,
        "import_users": users,
        "import_running_throughout": running,
        "completed_at_end": still["count"]["completed"],
        "ratio": {name: ratio(busy[name]["rps"], idle[name]["rps"]) for name in BUSY_ROUTES},
    }


def completed(db):
    """Return how many users the current operation has created."""
    return ((import_operations.current(db) or {}).get("count") or {}).get("completed") or 0


def summary(table, round_trips):
    """Return the ratios and targets of (5)."""
    real, raw = table["import.status"][8]["rps"], table["raw"][8]["rps"]
    return {
        "ratio_to_raw_at_8": ratio(real, raw),
        "ratio_to_bare_at_8": ratio(real, table["bare"][8]["rps"]),
        "holds": real >= THROUGHPUT_TARGET * raw,
        "round_trips": len(round_trips),
        "round_trip_commands": round_trips,
        "round_trips_hold": len(round_trips) <= ROUND_TRIP_TARGET,
    }


def run_all(server, seconds, rounds, import_users, add_users=None, **matrix_options):
    """Serve the bench app on a fresh database and measure (5), then `add_users` (6)."""
    url = server.new_database_url("http")
    with migrated_database(url) as db, tempfile.TemporaryDirectory() as workdir:
        headers = caller(db)
        round_trips = status_round_trips(url, headers)
        with gunicorn(url, Path(workdir) / "gunicorn.log") as served:
            table = load_matrix(served.base, headers, seconds, rounds, **matrix_options)
            busy = during_import(served.base, db, url, headers, seconds, import_users, workdir)
            log(f"status while importing: {json.dumps(busy)}")
            added = add_users(served, headers) if add_users else None
    return {
        "routes": table,
        **summary(table, round_trips),
        "while_importing": busy,
        "add_users": added,
    }


def main():
    """Parse the options, run on a wire server of our own, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--import-users", type=int, default=20_000)
    args = parser.parse_args()
    with wire_server() as server:
        result = run_all(server, args.seconds, args.rounds, args.import_users)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
