"""A sync's plan (services/sync_plan) for N listed users against a database of N users, next
to one indexed pass over both with bare pymongo in the same run, on the wire server; and
the plan's memory (tracemalloc peak) at each size, which should stay flat.

The users are written as an earlier import left them (accounts.new_user), directly; the list
names each of them again, a tenth with a new name, so the plan matches, compares and writes
an entry for every one, and looks for the missing (deactivateMissing).

Usage: python -m bench.sync_plan [--users 10000 100000] [--rounds 3] [--out DIR]
"""

import argparse
import itertools
import json
import statistics
import tracemalloc
from pathlib import Path

from app.contract.identities import identity
from app.models.users import CASE_INSENSITIVE
from app.services import accounts, clock, imports, sync
from bench.common import (
    RESULTS,
    STAGING_CHUNK,
    Stopwatch,
    insert_admin,
    log,
    machine,
    migrated_database,
    person,
    ratio,
    wire_server,
)

TARGET = 2.0  # the plan within twice the bare pass
CHUNK = 1000
BATCH = 5000


def insert_users(db, count):
    """Insert `count` users as an earlier import created them."""
    now, bcrypt_hash = clock.now(), "$2b$10$" + "x" * 53
    for first in range(0, count, BATCH):
        documents = []
        for n in range(first, min(first + BATCH, count)):
            data = person(n)
            user_id = f"user{n:013d}"
            documents.append(accounts.new_user(user_id, data, identity(data), bcrypt_hash, now))
        db.users.insert_many(documents)


def listed(n):
    """The n-th person of the list: a tenth of them renamed."""
    data = person(n)
    if n % 10 == 0:
        data["name"] = f"Renamed {n}"
    return data


def stage_list(db, count):
    """Start a sync (deactivateMissing) and stage the list; return the operation."""
    admin, _ = insert_admin(db)
    operation = sync.new_sync(db, admin["_id"], {"deactivateMissing": True})
    for first in range(0, count, STAGING_CHUNK):
        imports.add_users(db, [listed(n) for n in range(first, min(first + STAGING_CHUNK, count))])
    return operation


def bare_pass(db, collated=False):
    """Read the staged list in chunks and each chunk's users by import id: one indexed pass
    over both, with bare pymongo; return how many users were read. `collated`: through the
    case-insensitive importIds index the plan uses (SecantusDB answers it faster)."""
    read = 0
    options = {"collation": CASE_INSENSITIVE} if collated else {}
    staged = db.rocketchat_import_data.find({"dataType": "user"}).sort("_id", 1).batch_size(CHUNK)
    while chunk := list(itertools.islice(staged, CHUNK)):
        ids = [i for record in chunk for i in record["data"]["importIds"]]
        read += len(list(db.users.find({"importIds": {"$in": ids}}, **options)))
    return read


def forget_plan(db):
    """Drop the plan worked out before (untimed), so the next is a list's first plan."""
    db.rocketchat_import.update_many({}, {"$unset": {"_sync.plan": ""}})
    db.bulkimport_sync_plan_entries.delete_many({})


def one_plan(db):
    """Work the plan out (as the first import.plan after import.addUsers does)."""
    return sync.plan_page(db, 100)["plan"]["counts"]


def measure(server, sizes, rounds, memory=True):
    """Measure the plan and the bare pass at each size, alternating, `rounds` times each;
    then (unless `memory` is false) the memory of one more plan."""
    results = []
    for users in sizes:
        url = server.new_database_url(f"sync{users}")
        with migrated_database(url) as db:
            log(f"sync: inserting {users} users and staging the list")
            insert_users(db, users)
            stage_list(db, users)
            plans, passes, collated, counts = [], [], [], None
            for _ in range(rounds):
                with Stopwatch() as watch:
                    assert bare_pass(db) == users
                passes.append(watch.seconds)
                with Stopwatch() as watch:
                    assert bare_pass(db, collated=True) == users
                collated.append(watch.seconds)
                forget_plan(db)
                with Stopwatch() as watch:
                    counts = one_plan(db)
                plans.append(watch.seconds)
                log(
                    f"sync: {users}: plan {plans[-1]:.2f} s, bare pass {passes[-1]:.2f} s,"
                    f" collated {collated[-1]:.2f} s"
                )
            peak = _peak_mib(db) if memory else None
        plan_s, plain_s = statistics.median(plans), statistics.median(passes)
        collated_s = statistics.median(collated)
        pass_s = min(plain_s, collated_s)  # the plan is held to the faster of the two
        results.append(
            {
                "users": users,
                "plan_seconds": round(plan_s, 3),
                "bare_pass_seconds": round(pass_s, 3),
                "bare_pass_plain_seconds": round(plain_s, 3),
                "bare_pass_collated_seconds": round(collated_s, 3),
                "ratio": ratio(plan_s, pass_s),
                "holds": pass_s > 0 and plan_s / pass_s <= TARGET,
                "peak_mib": peak,
                "counts": counts,
            }
        )
    return {"rounds": rounds, "target": TARGET, "sizes": results}


def _peak_mib(db):
    """Return the tracemalloc peak, in MiB, of one plan worked out anew."""
    forget_plan(db)
    tracemalloc.start()
    one_plan(db)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return round(peak, 2)


def markdown(result, facts):
    """Return the figures as a table."""
    rows = [
        f"| {r['users']:,} | {r['plan_seconds']} | {r['bare_pass_plain_seconds']} | "
        f"{r['bare_pass_collated_seconds']} | **{r['ratio']}** | "
        f"{'holds' if r['holds'] else 'does not hold'} | {r['peak_mib']} |"
        for r in result["sizes"]
    ]
    return "\n".join(
        [
            f"A sync's plan against as many users as listed, on the wire server (SecantusDB)"
            f" ({result['rounds']} rounds, medians; memory: tracemalloc peak of one plan)",
            "",
            "| users | plan s | bare pass s | bare pass, collated s | ratio to the faster"
            " pass | target ≤ 2× | peak MiB |",
            "|---:|---:|---:|---:|---:|---|---:|",
            *rows,
            "",
            f"Plan counts at the largest size: {result['sizes'][-1]['counts']}",
            "",
            f"Machine: {facts}",
            "",
        ]
    )


def main():
    """Measure and write bench/results/sync.json and sync.md (sync-<sizes>.* at other sizes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-memory", action="store_true", help="skip the traced plan")
    args = parser.parse_args()
    with wire_server() as server:
        result = measure(server, args.users, args.rounds, memory=not args.no_memory)
    facts = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    name = "sync" if args.users == [10_000, 100_000] else f"sync-{'-'.join(map(str, args.users))}"
    document = json.dumps({"machine": facts, **result}, indent=2)
    (args.out / f"{name}.json").write_text(document + "\n")
    (args.out / f"{name}.md").write_text(markdown(result, facts))
    print(markdown(result, facts))


if __name__ == "__main__":
    main()
