"""import.addUsers with many users in one request: time, and the gunicorn worker's peak memory.

Usage: python -m bench.add_users [--users 10000]
"""

import argparse
import json
import tempfile
from pathlib import Path

import requests

from bench.common import Stopwatch, log, migrated_database, peak_rss_mb, people, wire_server
from bench.serving import gunicorn
from bench.status_load import caller


def add_users(served, headers, users=10_000):
    """Send import.new, then one import.addUsers of `users` users with passwords; measure it."""
    body = json.dumps({"users": people(users, with_passwords=True)}).encode()
    api = f"{served.base}/api/v1"
    requests.post(f"{api}/import.new", headers=headers, timeout=60).raise_for_status()
    before = {pid: peak_rss_mb(pid) for pid in served.worker_pids()}
    post_headers = {**headers, "Content-Type": "application/json"}
    with Stopwatch() as watch:
        answer = requests.post(
            f"{api}/import.addUsers", data=body, headers=post_headers, timeout=600
        )
    after = {pid: peak_rss_mb(pid) for pid in served.worker_pids()}
    answer.raise_for_status()
    status = requests.get(f"{api}/import.status", headers=headers, timeout=60).json()
    if status["operation"]["count"]["total"] != users:
        raise RuntimeError(f"addUsers staged {status['operation']['count']}, not {users}")
    pid = max(after, key=lambda p: after[p] - before.get(p, 0))  # the worker that served it
    result = {
        "users": users,
        "body_mb": round(len(body) / 2**20, 2),
        "seconds": round(watch.seconds, 3),
        "users_per_second": round(users / watch.seconds, 1),
        "worker_peak_rss_before_mb": round(before.get(pid, 0), 1),
        "worker_peak_rss_after_mb": round(after[pid], 1),
    }
    log(f"import.addUsers: {json.dumps(result)}")
    return result


def main():
    """Serve the bench app on a wire server of our own and send one big addUsers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    with wire_server() as server, tempfile.TemporaryDirectory() as workdir:
        url = server.new_database_url("addusers")
        with migrated_database(url) as db, gunicorn(url, Path(workdir) / "g.log") as served:
            print(json.dumps(add_users(served, caller(db), args.users), indent=2))


if __name__ == "__main__":
    main()
