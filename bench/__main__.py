"""Run every benchmark at one size; write bench/results/<size>.json and <size>.md.

Usage: python -m bench [--size tiny|small|full] [--out DIR] (bench/run installs what it needs)
"""

import argparse
import json
import os
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import add_users, files, imports, report, status_load
from bench.common import RESULTS, Stopwatch, log, machine, wire_server
from bench.serving import GUNICORN_FLAGS, wrk_available

SIZES = {
    # a smoke run, seconds long: checks that everything runs, measures nothing worth quoting
    "tiny": {
        "users": [50],
        "password_users": 10,
        "import_repeats": 1,
        "seconds": 1,
        "rounds": 1,
        "import_users": 2000,
        "add_users": 50,
        "file_rows": [50],
        "slack_rows": [50],
        "upload_mb": [1],
    },
    "small": {
        "users": [1000, 10_000],
        "password_users": 1000,
        "import_repeats": 3,
        "seconds": 3,
        "rounds": 3,
        "import_users": 20_000,
        "add_users": 10_000,
        "file_rows": [10_000],
        "slack_rows": [10_000],
        "upload_mb": [10],
    },
    "full": {
        "users": [1000, 10_000, 100_000],
        "password_users": 1000,
        "import_repeats": 3,
        "seconds": 10,
        "rounds": 3,
        "import_users": 50_000,
        "add_users": 10_000,
        "file_rows": [10_000, 100_000],
        "slack_rows": [100_000],
        "upload_mb": [10, 50],
    },
}


def run(size, with_http=True):
    """Run the imports, then the HTTP benchmarks, each on a wire server of its own."""
    settings = SIZES[size]
    results = {"size": size, "machine": machine(), "settings": settings}
    results["wire_server"] = metadata.version("secantusdb")
    results["gunicorn_flags"] = list(GUNICORN_FLAGS)
    with Stopwatch() as watch:
        results["imports"] = imports.run_all(
            settings["users"], settings["password_users"], settings["import_repeats"]
        )
        results["files"] = files.run_all(
            settings["file_rows"],
            settings["slack_rows"],
            settings["upload_mb"],
            settings["import_repeats"],
        )
        if with_http:
            results["http"] = http(settings)
    results["seconds"] = round(watch.seconds, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return json.loads(json.dumps(results))  # the same keys as the file will have


def http(settings):
    """Run (5) and (6) against gunicorn on a fresh wire server."""
    with wire_server() as server:
        measured = status_load.run_all(
            server,
            settings["seconds"],
            settings["rounds"],
            settings["import_users"],
            add_users=lambda served, headers: add_users.add_users(
                served, headers, settings["add_users"]
            ),
        )
    return {"seconds": settings["seconds"], **measured}


def write(results, out):
    """Write the results as JSON and markdown; return the markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / results["size"]
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".md").write_text(report.markdown(results))
    return stem.with_suffix(".md")


def main():
    """Parse the options, run, write and print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("wrk is not installed: run bench/run, which installs it")
    log(f"size {args.size}: {SIZES[args.size]}")
    started = time.monotonic()
    path = write(run(args.size), args.out)
    log(f"done in {time.monotonic() - started:.0f} s: {path} and {path.with_suffix('.json')}")
    print(path.read_text())


if __name__ == "__main__":
    main()
