"""The file importers: preparation against import.addUsers, worker memory, upload memory.

Usage: python -m bench.files [--rows 10000 100000] [--slack-rows 100000] [--upload-mb 10 50]

(a) A users.csv zip and a Slack member list are uploaded (streamed) to gunicorn, then a
worker process prepares them: rows per second from `importer_file_loaded` to
`importer_user_selection`, against import.addUsers staging the same users through the same
gunicorn right after (10,000 users per call, its limit); the worker's peak memory.
(b) A file of each `--upload-mb` size (MiB) is uploaded once as Rocket.Chat's base64 JSON
body and once streamed, each to a gunicorn of one process of its own: its peak memory.
"""

import argparse
import json
import os
import statistics
import tempfile
import zipfile
from pathlib import Path

import requests

from app.client.uploads import Base64JsonBody, RawBody
from bench import imports
from bench.common import (
    Stopwatch,
    log,
    migrated_database,
    peak_rss_mb,
    rss_mb,
    run_json,
    wire_server,
)
from bench.serving import Gunicorn, gunicorn
from bench.status_load import caller
from tests.support import importfiles

RATE_TARGET = 0.5  # of import.addUsers' staging rate
ADD_USERS_CHUNK = 10_000  # MAX_USERS_PER_REQUEST
PREPARE_BCRYPT_COST = 4  # a preparation hashes nothing; the worker only needs a cost
KINDS = {"csv": ("users.zip", "application/zip"), "slack-users": ("members.csv", "text/csv")}
ONE_PROCESS = ("--workers=1", "--threads=4", "--timeout=300")
UPLOAD_SETTINGS = {"MAX_IMPORT_FILE_BYTES": str(2**30)}


def build(kind, rows, folder):
    """Write the file of `rows` users an importer reads; return its path."""
    name, _ = KINDS[kind]
    data = importfiles.users_zip(rows) if kind == "csv" else importfiles.slack_csv(rows)
    path = Path(folder) / f"{rows}-{name}"
    path.write_bytes(data)
    return path


def same_users(kind, rows):
    """Return the users of build(kind, rows) as import.addUsers receives them."""
    prefix, name = ("user", "User") if kind == "csv" else ("member", "Member")
    users = []
    for n in range(rows):
        email = f"{prefix}{n}@example.com"
        import_id = f"{prefix}{n}" if kind == "csv" else email  # Slack's import id: the e-mail
        users.append(
            {
                "username": f"{prefix}{n}",
                "emails": [email],
                "importIds": [import_id],
                "name": f"{name} {n}",
            }
        )
    return users


def upload(served, headers, kind, path):
    """Send a file as the streamed raw body of uploadImportFile; return the seconds."""
    query = {"importerKey": kind, "fileName": path.name}
    with Stopwatch() as watch:
        answer = requests.post(
            f"{served.base}/api/v1/uploadImportFile",
            params=query,
            data=RawBody(path),
            headers={**headers, "Content-Type": KINDS[kind][1]},
            timeout=600,
        )
    answer.raise_for_status()
    return watch.seconds


def add_users_seconds(served, headers, users):
    """Time import.new and import.addUsers of these users, 10,000 a call (bodies pre-built)."""
    api = f"{served.base}/api/v1"
    bodies = [
        json.dumps({"users": users[first : first + ADD_USERS_CHUNK]}).encode()
        for first in range(0, len(users), ADD_USERS_CHUNK)
    ]
    post_headers = {**headers, "Content-Type": "application/json"}
    with Stopwatch() as watch:
        requests.post(f"{api}/import.new", headers=headers, timeout=60).raise_for_status()
        for body in bodies:
            answer = requests.post(
                f"{api}/import.addUsers", data=body, headers=post_headers, timeout=600
            )
            answer.raise_for_status()
    return watch.seconds


def prepare_once(served, url, headers, kind, path, rows):
    """Upload, prepare in a worker process, then stage the same users with addUsers."""
    upload_seconds = upload(served, headers, kind, path)
    run = run_json("bench.worker_process", url, PREPARE_BCRYPT_COST, "--prepare")
    if run["status"] != "importer_user_selection" or run["count"]["users"] != rows:
        raise RuntimeError(f"the preparation did not end at the selection: {run}")
    baseline = add_users_seconds(served, headers, same_users(kind, rows))
    return upload_seconds, run, baseline


def preparation(server, kind, rows, repeats=1):
    """Measure (a) for one file: rows per second against addUsers', and the worker's memory."""
    log(f"preparation of a {kind} file of {rows} rows, {repeats} time(s)")
    url = server.new_database_url("files")
    with tempfile.TemporaryDirectory() as folder, migrated_database(url) as db:
        path = build(kind, rows, folder)
        headers = caller(db)
        with gunicorn(url, Path(folder) / "gunicorn.log") as served:
            runs = [prepare_once(served, url, headers, kind, path, rows) for _ in range(repeats)]
        size = path.stat().st_size
        db.client.drop_database(db.name)
    rates = [rows / run["seconds"] for _, run, _ in runs]
    baselines = [rows / seconds for _, _, seconds in runs]
    ratios = [rate / base for rate, base in zip(rates, baselines, strict=True)]
    first = runs[0][1]
    result = {
        "kind": kind,
        "rows": rows,
        "file_mb": round(size / 2**20, 2),
        "repeats": repeats,
        "upload_seconds": [round(seconds, 3) for seconds, _, _ in runs],
        "prepare_seconds": [round(run["seconds"], 3) for _, run, _ in runs],
        "add_users_seconds": [round(seconds, 3) for _, _, seconds in runs],
        "rows_per_second": round(statistics.median(rates), 1),
        "add_users_per_second": round(statistics.median(baselines), 1),
        "ratio": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "holds": statistics.median(ratios) >= RATE_TARGET,
        "commands": first["commands"],
        "commands_by_name": first["commands_by_name"],
        "worker_rss_before_mb": first["rss_before_mb"],
        "worker_peak_rss_mb": max(run["peak_rss_mb"] for _, run, _ in runs),
    }
    log(json.dumps(result))
    return result


def big_file(folder, mebibytes):
    """Write a zip of `mebibytes` MiB (one stored entry of random bytes); return its path."""
    path = Path(folder) / f"upload-{mebibytes}mb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        with archive.open("attachments/blob.bin", "w", force_zip64=True) as entry:
            for _ in range(mebibytes):
                entry.write(os.urandom(2**20))
    return path


def upload_memory(server, path, form):
    """Measure (b): the peak memory of the one gunicorn process that receives the file."""
    url = server.new_database_url("upload")
    with tempfile.TemporaryDirectory() as folder, migrated_database(url) as db:
        headers = caller(db)
        served = Gunicorn(url, Path(folder) / "g.log", ONE_PROCESS, UPLOAD_SETTINGS)
        try:
            (pid,) = served.worker_pids()
            requests.get(f"{served.base}/api/v1/import.status", headers=headers, timeout=60)
            before = peak_rss_mb(pid)
            if form == "streamed":
                body, query, content_type = RawBody(path), {"importerKey": "csv"}, "application/zip"
                query["fileName"] = path.name
            else:
                fields = {"contentType": "application/zip", "fileName": path.name}
                body = Base64JsonBody(path, {**fields, "importerKey": "csv"})
                query, content_type = None, "application/json"
            with Stopwatch() as watch:
                answer = requests.post(
                    f"{served.base}/api/v1/uploadImportFile",
                    params=query,
                    data=body,
                    headers={**headers, "Content-Type": content_type},
                    timeout=600,
                )
            answer.raise_for_status()
            peak, now = peak_rss_mb(pid), rss_mb(pid)
        finally:
            served.stop()
        db.client.drop_database(db.name)
    result = {
        "form": form,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "body_mb": round(len(body) / 2**20, 1),
        "seconds": round(watch.seconds, 3),
        "peak_rss_before_mb": round(before, 1),
        "peak_rss_after_mb": round(peak, 1),
        "growth_mb": round(peak - before, 1),
        "rss_after_mb": round(now, 1),
    }
    log(f"upload: {json.dumps(result)}")
    return result


def run_all(rows, slack_rows, upload_mb, repeats=1):
    """Run (a) and (b) on one wire server; sizes up to 10,000 rows are repeated.

    `upload_mb` lists the sizes of (b): two of them show what grows with the file.
    """
    with wire_server() as server:
        runs = [preparation(server, "csv", n, repeats if n <= 10_000 else 1) for n in rows]
        runs += [
            preparation(server, "slack-users", n, repeats if n <= 10_000 else 1) for n in slack_rows
        ]
        uploads = []
        for mebibytes in upload_mb:
            with tempfile.TemporaryDirectory() as folder:
                path = big_file(folder, mebibytes)
                uploads += [upload_memory(server, path, form) for form in ("base64", "streamed")]
    csv_runs = [{**run, "users": run["rows"]} for run in runs if run["kind"] == "csv"]
    memory = imports.memory_growth(csv_runs)  # users.csv at 10,000 and 100,000 rows
    return {"preparation": runs, "memory": memory, "uploads": uploads}


def main():
    """Parse the sizes, run, print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--slack-rows", type=int, nargs="*", default=[100_000])
    parser.add_argument("--upload-mb", type=int, nargs="*", default=[10, 50])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    results = run_all(args.rows, args.slack_rows, args.upload_mb, args.repeats)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
