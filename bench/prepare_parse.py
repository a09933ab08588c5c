"""The file importers' parsing alone: rows per second of prepare(), and its memory peaks.

Each measurement runs in a fresh process reading the file from disk (as a worker reads a
GridFS file: seekable, not in memory), so its peak RSS is its own. Not part of pytest.

Usage: python -m bench.prepare_parse [--csv 10000,100000] [--slack 100000] [--rounds 3]
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from app import importers
from tests.support import importfiles


def build(kind, rows, folder):
    """Write the file of `rows` rows for importer `kind` into `folder`; return its path."""
    data = importfiles.users_zip(rows) if kind == "csv" else importfiles.slack_csv(rows)
    path = Path(folder) / f"{kind}-{rows}.{'zip' if kind == 'csv' else 'csv'}"
    path.write_bytes(data)
    return path


def consume(importer, path, traced=False):
    """Prepare the file, dropping each batch as a worker does once staged; return the rows."""
    rows = 0
    with path.open("rb") as file:
        for event in importer.prepare(file, importfiles.limits(), 500):
            rows += len(getattr(event, "records", ()))
    return rows


def measure_one(kind, path, rounds):
    """Return the figures of one file, measured in this process."""
    importer = importers.find(kind)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        rows = consume(importer, path)
        times.append(time.perf_counter() - start)
    rss_mb = peak_rss_mb()
    tracemalloc.start()
    consume(importer, path)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    best = min(times)
    return {
        "importer": kind,
        "rows": rows,
        "file_bytes": path.stat().st_size,
        "seconds_best": round(best, 3),
        "rows_per_second": round(rows / best),
        "peak_rss_mb": round(rss_mb, 1),
        "tracemalloc_peak_kb": round(traced_peak / 1024),
    }


def peak_rss_mb():
    """Return this process's peak RSS in MB.

    VmHWM belongs to this program alone; ru_maxrss would also count the parent's peak
    at fork time (the parent built the files in memory).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(kind, rows, rounds, folder):
    """Measure one file in a child process; return its figures."""
    path = build(kind, rows, folder)
    child = [sys.executable, "-m", "bench.prepare_parse", "--one", kind, str(path), str(rounds)]
    answer = subprocess.run(child, capture_output=True, text=True, check=True)
    return json.loads(answer.stdout)


def main(argv=None):
    """Measure the sizes asked for and print one JSON line each, then the growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default="10000,100000", help="users.csv sizes, comma-separated")
    parser.add_argument("--slack", default="100000", help="member list sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        kind, path, rounds = args.one
        print(json.dumps(measure_one(kind, Path(path), int(rounds))))
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, sizes in (("csv", args.csv), ("slack-users", args.slack)):
            for rows in filter(None, sizes.split(",")):
                results.append(run(kind, int(rows), args.rounds, folder))
                print(json.dumps(results[-1]), flush=True)
    csv = sorted((r for r in results if r["importer"] == "csv"), key=lambda r: r["rows"])
    if len(csv) >= 2:
        small, large = csv[0], csv[-1]
        growth = {
            "rss_growth_percent": round(100 * (large["peak_rss_mb"] / small["peak_rss_mb"] - 1), 1),
            "tracemalloc_growth_percent": round(
                100 * (large["tracemalloc_peak_kb"] / small["tracemalloc_peak_kb"] - 1), 1
            ),
            "from_rows": small["rows"],
            "to_rows": large["rows"],
        }
        print(json.dumps(growth))


if __name__ == "__main__":
    main()
