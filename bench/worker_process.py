"""Run one staged import in this process, as a worker does; print time, commands and memory.

Usage: python -m bench.worker_process MONGO_URL BCRYPT_COST

The import starts with `import.run` (start_import) and ends at `importer_done`; the staging
was done by another process, so the peak memory printed is the worker's own.
"""

import json
import sys

import pymongo

from app.config import load_settings
from app.models import import_operations
from app.services import imports
from app.services.worker import Worker
from bench.common import CommandCounter, Stopwatch, peak_rss_mb, rss_mb


def run_import(url, bcrypt_cost):
    """Start the staged import, run it to the end with a Worker, and return what it cost."""
    counter = CommandCounter()
    with pymongo.MongoClient(url, event_listeners=[counter]) as client:
        db = client.get_default_database()
        worker = Worker.from_settings(
            db, load_settings({"BCRYPT_ROUNDS": bcrypt_cost, "IMPORT_POLL_SECONDS": 0.05})
        )
        before = rss_mb()
        counter.names.clear()
        with Stopwatch() as watch:
            imports.start_import(db)
            worker.run_pending()
        commands = counter.by_name()
        worker.stop()
        operation = import_operations.current(db)
    return {
        "seconds": watch.seconds,
        "status": operation["status"],
        "count": operation.get("count"),
        "commands": sum(commands.values()),
        "commands_by_name": commands,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main():
    """Parse the arguments, run the import, print one JSON line."""
    url, bcrypt_cost = sys.argv[1], int(sys.argv[2])
    print(json.dumps(run_import(url, bcrypt_cost)))


if __name__ == "__main__":
    main()
