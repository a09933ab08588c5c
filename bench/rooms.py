"""Joining imported users to rooms against inserting those users, measured in the same run.

On the wire server, batch after batch (the run's shape): the users' insert is
`users.insert_new` of Rocket.Chat user documents (bcrypt left out: a fixed hash), the join is
`memberships.Landing.land` of the same users to three default rooms (subscriptions,
usersCounts, `__rooms`), plus the run's final recount. The join's time is reported as a
ratio of the insert's (target ≤ 2), and the process's resident memory at 10,000 and 100,000
users (flat: a batch at a time, nothing kept per user). Writes bench/results/rooms.*

Usage: python -m bench.rooms [--users 10000 100000] [--batch 500] [--out DIR]
"""

import argparse
import json
from pathlib import Path

from app.contract.identities import identity
from app.models import users
from app.services import accounts, clock, memberships
from app.services.accounts import AccountRules
from app.services.memberships import Landing
from bench.common import RESULTS, Stopwatch, log, machine, migrated_database, rss_mb, wire_server
from tests.support import factories

TARGET = 2.0  # the join within twice the users' insert
ROOMS = 3
HASH = "$2b$10$" + "x" * 53
FILE_RULES = AccountRules(file_importer=True)


def default_rooms(db):
    """Insert #general (as Rocket.Chat ships it) and two more default channels."""
    factories.insert_room(db, "general", room_id="GENERAL", default=True)
    for n in range(1, ROOMS):
        factories.insert_room(db, f"default-{n}", default=True)


def batch_of(landing, run, first, size):
    """Return the user documents and staged data of one batch, built as the runner builds
    them (their `__rooms` included: the runner inserts them with the user)."""
    now, created = clock.now(), []
    for n in range(first, first + size):
        data = {"username": f"r{run}u{n}", "emails": [f"r{run}u{n}@example.com"]}
        data["importIds"] = [data["username"]]
        who = identity(data)
        user_id = accounts.user_id_for(f"bench-{run}", n)
        document = accounts.new_user(user_id, data, who, HASH, now, FILE_RULES)
        created.append((landing.mark(document, data), data))
    return created


def run(db, count, batch):
    """Insert `count` users and join them to the default rooms batch by batch; return figures."""
    landing = Landing(db, joins_defaults=True, touch=lambda room_ids: None)
    insert, join = Stopwatch(), Stopwatch()
    insert_seconds = join_seconds = 0.0
    start_rss = peak_rss = rss_mb()
    for first in range(0, count, batch):
        created = batch_of(landing, count, first, min(batch, count - first))
        with insert:
            refused = users.insert_new(db, [document for document, _ in created])
        assert not refused, refused
        with join:
            fresh = {document["_id"]: document for document, _ in created}
            landing.land([(document["_id"], data) for document, data in created], fresh)
        insert_seconds += insert.seconds
        join_seconds += join.seconds
        peak_rss = max(peak_rss, rss_mb())
    with join:
        memberships.recount(db, [room["_id"] for room in landing.defaults])
    join_seconds += join.seconds
    joined = landing.take_joined()
    assert joined == count * ROOMS, joined
    return {
        "users": count,
        "subscriptions": joined,
        "insert_seconds": round(insert_seconds, 3),
        "join_seconds": round(join_seconds, 3),
        "ratio": round(join_seconds / insert_seconds, 3),
        "rss_start_mb": round(start_rss, 1),
        "rss_peak_mb": round(peak_rss, 1),
        "rss_growth_mb": round(peak_rss - start_rss, 1),
    }


def measure(server, sizes, batch):
    """Run each size on a fresh database of the wire server; return the figures."""
    results = []
    for count in sizes:
        log(f"rooms: {count:,} users, {ROOMS} default rooms, batches of {batch}")
        with migrated_database(server.new_database_url()) as db:
            default_rooms(db)
            results.append(run(db, count, batch))
            db.client.drop_database(db.name)
        log(f"rooms: {results[-1]}")
    return results


def markdown(results, facts, batch):
    """Return the table of the figures."""
    lines = [
        f"Joining imported users to {ROOMS} default rooms, batches of {batch}, on the wire"
        " server (SecantusDB).",
        "",
        "| users | subscriptions | users' insert (s) | join (s) | join / insert | ≤ 2 |"
        " resident memory at the start, at the peak (MiB) |",
        "|---:|---:|---:|---:|---:|:-:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['users']:,} | {r['subscriptions']:,} | {r['insert_seconds']:.2f} | "
            f"{r['join_seconds']:.2f} | {r['ratio']:.2f} | "
            f"{'yes' if r['ratio'] <= TARGET else 'no'} | "
            f"{r['rss_start_mb']:.1f}, {r['rss_peak_mb']:.1f} |"
        )
    note = (
        "The sizes run one after the other in one process: memory is flat when the larger"
        " run's peak is the smaller one's (a batch at a time, nothing kept per user)."
    )
    return "\n".join([*lines, "", note, "", f"Machine: {facts}", ""])


def main():
    """Measure and write bench/results/rooms.json and .md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    facts = machine()
    with wire_server() as server:
        results = measure(server, args.users, args.batch)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "rooms.json").write_text(
        json.dumps({"machine": facts, "batch": args.batch, "results": results}, indent=2) + "\n"
    )
    (args.out / "rooms.md").write_text(markdown(results, facts, args.batch))
    print(markdown(results, facts, args.batch))


if __name__ == "__main__":
    main()
