"""Import throughput, round trips and worker memory, each next to its limit measured here.

Usage: python -m bench.imports [--users 1000 10000] [--password-users 1000] [--repeats 3]
"""

import argparse
import json
import os
import statistics

from app.contract.identities import identity
from app.models import staging
from app.services import accounts, clock
from app.services.passwords import Hasher
from bench.common import (
    BCRYPT_COST,
    Stopwatch,
    log,
    migrated_database,
    one_bcrypt_seconds,
    run_json,
    stage,
    wire_server,
)

INSERT_BATCH = 50  # the store's limit: plain unordered insert_many batches of this size
THROUGHPUT_TARGET = 0.5
ROUND_TRIP_TARGET = 0.1
PASSWORD_TARGET = 0.8
MEMORY_GROWTH_TARGET = 0.2


def users_the_runner_would_create(db, operation, bcrypt_hash):
    """Build, from the staging area, the user documents the import will insert."""
    now = clock.now()
    return [
        accounts.new_user(
            accounts.user_id_for(operation["_id"], record["_id"]),
            record["data"],
            identity(record["data"]),
            bcrypt_hash,
            now,
        )
        for record in staging.pending_users(db, batch_size=1000)
    ]


def insert_limit(server, documents):
    """Time unordered insert_many batches of 50 into a fresh, indexed users collection."""
    with migrated_database(server.new_database_url("limit")) as db:
        with Stopwatch() as watch:
            for first in range(0, len(documents), INSERT_BATCH):
                db.users.insert_many(documents[first : first + INSERT_BATCH], ordered=False)
        db.client.drop_database(db.name)
    return watch.seconds


def unknowable_hash():
    """Return one bcrypt hash nobody knows the password of, as the runner uses per run."""
    hasher = Hasher(BCRYPT_COST, workers=1)
    try:
        return hasher.unknowable()
    finally:
        hasher.close()


def import_once(server, users, with_passwords=False):
    """Stage users, measure the store's limit on their documents, then import them."""
    url = server.new_database_url("import")
    with migrated_database(url) as db:
        operation = stage(db, users, with_passwords)
        limit_seconds = None
        if not with_passwords:
            documents = users_the_runner_would_create(db, operation, unknowable_hash())
            limit_seconds = insert_limit(server, documents)
            del documents
        run = run_json("bench.worker_process", url, BCRYPT_COST)
        db.client.drop_database(db.name)
    if run["status"] != "importer_done" or run["count"]["completed"] != users:
        raise RuntimeError(f"the import did not complete: {run}")
    return limit_seconds, run


def throughput(server, users, repeats=1):
    """Measure (1) users per second against the insert limit, (2) round trips, (4) memory.

    Each repeat times the limit and then the import, back to back; the ratio reported is
    the median of these paired ratios, the rates the medians of their own.
    """
    log(f"import of {users} users without passwords, {repeats} time(s)")
    pairs = [import_once(server, users) for _ in range(repeats)]
    limit_rates = [users / limit_seconds for limit_seconds, _ in pairs]
    rates = [users / run["seconds"] for _, run in pairs]
    ratios = [rate / limit for rate, limit in zip(rates, limit_rates, strict=True)]
    run = pairs[0][1]
    per_user = max(run["commands"] for _, run in pairs) / users
    result = {
        "users": users,
        "repeats": repeats,
        "users_per_second": round(statistics.median(rates), 1),
        "limit_users_per_second": round(statistics.median(limit_rates), 1),
        "ratio": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "ratio_holds": statistics.median(ratios) >= THROUGHPUT_TARGET,
        "import_seconds": [round(run["seconds"], 3) for _, run in pairs],
        "limit_seconds": [round(limit_seconds, 3) for limit_seconds, _ in pairs],
        "commands": run["commands"],
        "commands_by_name": run["commands_by_name"],
        "round_trips_per_user": round(per_user, 4),
        "round_trips_hold": per_user <= ROUND_TRIP_TARGET,
        "worker_rss_before_mb": run["rss_before_mb"],
        "worker_peak_rss_mb": max(run["peak_rss_mb"] for _, run in pairs),
    }
    log(json.dumps(result))
    return result


def with_passwords(server, users, repeats=1):
    """Measure (3) users per second with bcrypt against cores / (time of one bcrypt).

    One bcrypt is timed just before and just after each import (the median of ten each),
    so the limit reflects what the CPU gave during that import.
    """
    log(f"import of {users} users with passwords (bcrypt cost {BCRYPT_COST}), {repeats} time(s)")
    cores, runs = os.cpu_count(), []
    for _ in range(repeats):
        before = one_bcrypt_seconds()
        _, run = import_once(server, users, with_passwords=True)
        one_bcrypt = (before + one_bcrypt_seconds()) / 2
        rate, limit = users / run["seconds"], cores / one_bcrypt
        runs.append({"seconds": run["seconds"], "one_bcrypt": one_bcrypt, "rate": rate})
        runs[-1]["ratio"] = rate / limit
    middle = sorted(runs, key=lambda r: r["ratio"])[len(runs) // 2]
    result = {
        "users": users,
        "bcrypt_cost": BCRYPT_COST,
        "cores": cores,
        "repeats": repeats,
        "one_bcrypt_ms": round(middle["one_bcrypt"] * 1000, 2),
        "import_seconds": [round(r["seconds"], 3) for r in runs],
        "users_per_second": round(middle["rate"], 2),
        "cpu_limit_users_per_second": round(cores / middle["one_bcrypt"], 2),
        "ratio": round(middle["ratio"], 3),
        "ratios": [round(r["ratio"], 3) for r in runs],
        "holds": middle["ratio"] >= PASSWORD_TARGET,
    }
    log(json.dumps(result))
    return result


def memory_growth(runs):
    """Compare (4) the worker's peak memory at 10,000 and 100,000 users, when both ran."""
    peaks = {run["users"]: run["worker_peak_rss_mb"] for run in runs}
    if 10_000 not in peaks or 100_000 not in peaks:
        return None
    growth = peaks[100_000] / peaks[10_000] - 1
    return {
        "peak_10k_mb": peaks[10_000],
        "peak_100k_mb": peaks[100_000],
        "growth": round(growth, 3),
        "holds": growth < MEMORY_GROWTH_TARGET,
    }


def run_all(sizes, password_users, repeats=1):
    """Run every import measurement on one wire server; return the results.

    Sizes up to 10,000 users, and the import with passwords, are repeated `repeats` times;
    larger sizes run once.
    """
    with wire_server() as server:
        runs = [throughput(server, n, repeats if n <= 10_000 else 1) for n in sizes]
        passwords = with_passwords(server, password_users, repeats) if password_users else None
    return {"throughput": runs, "passwords": passwords, "memory": memory_growth(runs)}


def main():
    """Parse the sizes, run, print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--password-users", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run_all(args.users, args.password_users, args.repeats), indent=2))


if __name__ == "__main__":
    main()
