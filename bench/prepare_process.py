"""Prepare the uploaded file of the current operation in this process, as a worker does.

Usage: python -m bench.prepare_process MONGO_URL

The file was uploaded by another process (the API), so the operation is at
`importer_file_loaded`; this one claims it and reads it into the staging area, to
`importer_user_selection`. It prints the time, the counts and its own peak memory.
"""

import json
import sys

import pymongo

from app.config import load_settings
from app.models import import_operations
from app.services.worker import Worker
from bench.common import CommandCounter, Stopwatch, peak_rss_mb, rss_mb

BCRYPT_COST = 4  # a preparation hashes nothing; the worker only needs a cost to start


def prepare(url):
    """Run the worker until nothing is left to claim; return what the preparation cost."""
    counter = CommandCounter()
    with pymongo.MongoClient(url, event_listeners=[counter]) as client:
        db = client.get_default_database()
        worker = Worker.from_settings(
            db, load_settings({"BCRYPT_ROUNDS": BCRYPT_COST, "IMPORT_POLL_SECONDS": 0.05})
        )
        before = rss_mb()
        counter.names.clear()
        with Stopwatch() as watch:
            worker.run_pending()
        commands = counter.by_name()
        worker.stop()
        operation = import_operations.current(db)
    return {
        "seconds": watch.seconds,
        "status": operation["status"],
        "count": operation.get("count"),
        "error": operation.get("errorMessage"),
        "commands": sum(commands.values()),
        "commands_by_name": commands,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main():
    """Parse the argument, prepare, print one JSON line."""
    print(json.dumps(prepare(sys.argv[1])))


if __name__ == "__main__":
    main()
