"""Profile one import with pyinstrument, and time each kind of database command it sends.

Usage: python -m bench.profile_import [--users 2000] [--passwords] [--out bench/results]

Writes `profile-import-<users>.txt` (pyinstrument's call tree of the worker process) and
prints the commands the worker sent with their total server time, slowest first.
"""

import argparse
import subprocess
import sys
from collections import defaultdict

import pymongo
from pymongo import monitoring

from app.config import load_settings
from app.services import imports
from app.services.worker import Worker
from bench.common import BCRYPT_COST, RESULTS, ROOT, log, migrated_database, stage, wire_server


class CommandTimer(monitoring.CommandListener):
    """Add up the server time of each kind of command."""

    def __init__(self):
        self.micros = defaultdict(int)
        self.calls = defaultdict(int)

    def started(self, event):
        """Ignore: timed when it ends."""

    def succeeded(self, event):
        """Add one command's duration."""
        self.micros[event.command_name] += event.duration_micros
        self.calls[event.command_name] += 1

    def failed(self, event):
        """Add one failed command's duration."""
        self.succeeded(event)


def profile_worker(url, out_file):
    """Run the import in a child process under pyinstrument, writing its call tree."""
    command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out_file)]
    command += ["-m", "bench.worker_process", url, str(BCRYPT_COST)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def time_commands(url):
    """Run the import in this process and return {command: (calls, seconds)}."""
    timer = CommandTimer()
    with pymongo.MongoClient(url, event_listeners=[timer]) as client:
        db = client.get_default_database()
        worker = Worker.from_settings(
            db, load_settings({"BCRYPT_ROUNDS": BCRYPT_COST, "IMPORT_POLL_SECONDS": 0.05})
        )
        imports.start_import(db)
        worker.run_pending()
        worker.stop()
    return {name: (timer.calls[name], timer.micros[name] / 1e6) for name in timer.calls}


def main():
    """Stage, profile, stage again, time the commands; print the command table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--passwords", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    out_file = f"{args.out}/profile-import-{args.users}.txt"
    with wire_server() as server:
        for run in (profile_worker, time_commands):
            url = server.new_database_url("profile")
            with migrated_database(url) as db:
                stage(db, args.users, args.passwords)
            result = run(url, out_file) if run is profile_worker else run(url)
        log(f"pyinstrument profile written to {out_file}")
    for name, (calls, seconds) in sorted(result.items(), key=lambda item: -item[1][1]):
        print(f"{name:15s} {calls:6d} calls {seconds:9.3f} s server time")


if __name__ == "__main__":
    main()
