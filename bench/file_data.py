"""getImportFileData on a prepared file of N users: the time to the answer's last byte.

Measured on gunicorn over the wire server, and in-process on the embedded database, each
next to a floor measured in the same run on the same data: one raw pymongo read of what the
selection shows, turned into Rocket.Chat's body with a list comprehension and json.dumps.
The limit is 1 s on the wire server at 100,000 users.

Usage: python -m bench.file_data [--users 100000] [--repeats 3] [--embedded-only]
       [--no-snapshot: the users staged only, as before the preparation wrote a snapshot]
"""

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import pymongo
import requests

from app import close_app, create_app
from app.contract import states
from app.extensions.db import get_db_of
from app.models import connection
from app.services.selection_snapshot import SnapshotWriter
from bench.common import Stopwatch, insert_admin, log, migrated_database, ratio, wire_server
from bench.serving import gunicorn
from tests.support import factories

ROUTE = "/api/v1/getImportFileData"
LIMIT_SECONDS = 1.0
_CHUNK = 5000


def prepared(db, users, snapshot, channels=10):
    """Insert an admin and a CSV operation ready for selection with `users` staged users,
    and the selection snapshot a preparation writes when `snapshot`; return the headers."""
    admin, token = insert_admin(db)
    operation = factories.insert_operation(
        db,
        type="CSV",
        importerKey="csv",
        status=states.USER_SELECTION,
        count={"total": users + channels, "users": users, "channels": channels, "messages": 0},
    )
    writer = SnapshotWriter(db, operation["_id"]) if snapshot else None
    for first in range(0, users, _CHUNK):
        records = [_record(n) for n in range(first, min(first + _CHUNK, users))]
        db.rocketchat_import_data.insert_many(records, ordered=False)
        if writer:
            writer.add([record["data"] for record in records])
    if writer:
        writer.close()
    db.rocketchat_import_data.insert_many([_channel(n) for n in range(channels)])
    return {"X-User-Id": admin["_id"], "X-Auth-Token": token}


def _record(n):
    data = {
        "type": "user",
        "importIds": [f"user{n}"],
        "emails": [f"user{n}@example.com"],
        "username": f"user{n}",
        "name": f"User Number {n}",
    }
    return {"_id": f"{n:024x}", "dataType": "user", "data": data}


def _channel(n):
    data = {"importIds": [f"c{n}"], "name": f"general-{n}", "isPrivate": False, "creator": "u0"}
    return {"_id": f"c{n:023x}", "dataType": "channel", "data": data}


def floor_seconds(db):
    """Read what the selection shows with raw pymongo and dump Rocket.Chat's body: the least
    any implementation does."""
    with Stopwatch() as watch:
        cursor = db.rocketchat_import_data.find(
            {"dataType": "user"},
            {"data.importIds": 1, "data.username": 1, "data.emails": 1},
        ).sort("_id", pymongo.ASCENDING)
        users = [
            {
                "user_id": r["data"]["importIds"][0],
                "username": r["data"].get("username"),
                "email": r["data"]["emails"][0],
                "is_deleted": False,
                "is_bot": False,
                "do_import": True,
                "is_email_taken": False,
            }
            for r in cursor
        ]
        json.dumps({"name": "CSV", "users": users, "channels": [], "success": True})
    return watch.seconds


def measure(get, repeats):
    """Return (median seconds, body bytes, users listed) of `repeats` calls of `get()`."""
    times, size, listed = [], 0, 0
    for _ in range(repeats):
        with Stopwatch() as watch:
            status, body = get()
        if status != 200:
            raise RuntimeError(f"getImportFileData answered {status}: {body[:300]!r}")
        times.append(watch.seconds)
        size, listed = len(body), len(json.loads(body)["users"])
    return statistics.median(times), size, listed


def on_wire(users, repeats, snapshot):
    """getImportFileData through gunicorn on the wire server."""
    with wire_server() as server:
        url = server.new_database_url("filedata")
        with migrated_database(url) as db, tempfile.TemporaryDirectory() as folder:
            headers = prepared(db, users, snapshot)
            floor = statistics.median(floor_seconds(db) for _ in range(repeats))
            with gunicorn(url, Path(folder) / "gunicorn.log") as served:

                def get():
                    answer = requests.get(served.base + ROUTE, headers=headers, timeout=600)
                    return answer.status_code, answer.content

                get()  # a first call warms the worker's connection pool
                seconds, size, listed = measure(get, repeats)
            db.client.drop_database(db.name)
    return _result("wire", snapshot, users, seconds, floor, size, listed)


def embedded(users, repeats, snapshot):
    """getImportFileData in-process on the embedded (mongomock) database."""
    app = create_app({"SEED_DEMO": False, "IMPORT_WORKER": "off", "LOG_LEVEL": "WARNING"})
    try:
        db = get_db_of(app)
        assert connection.is_embedded(db)
        headers = prepared(db, users, snapshot)
        floor = statistics.median(floor_seconds(db) for _ in range(repeats))
        client = app.test_client()

        def get():
            answer = client.get(ROUTE, headers=headers)
            return answer.status_code, answer.get_data()

        seconds, size, listed = measure(get, repeats)
    finally:
        close_app(app)
    return _result("embedded", snapshot, users, seconds, floor, size, listed)


def _result(database, snapshot, users, seconds, floor, size, listed):
    if listed != users:
        raise RuntimeError(f"{listed} users listed of {users}")
    result = {
        "database": database,
        "snapshot": snapshot,
        "users": users,
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": ratio(seconds, floor),
        "body_mb": round(size / 2**20, 2),
        "limit_seconds": LIMIT_SECONDS,
        "holds": seconds <= LIMIT_SECONDS,
    }
    log(json.dumps(result))
    return result


def main():
    """Parse the options, measure, print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--embedded-only", action="store_true")
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="stage the users only, as a preparation before the snapshot (or Rocket.Chat) did",
    )
    args = parser.parse_args()
    snapshot = not args.no_snapshot
    results = [embedded(args.users, args.repeats, snapshot)]
    if not args.embedded_only:
        results.insert(0, on_wire(args.users, args.repeats, snapshot))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
