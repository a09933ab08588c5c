"""SCIM's lookup, `GET /scim/v2/Users?filter=userName eq "…"`, under load on a database of
many users, next to the status benchmark's raw-pymongo route in the same gunicorn and run.

The users are written as SCIM creates them (accounts.new_user, and their SCIM records),
directly, in batches: creating 100,000 over HTTP would measure bcrypt, not the lookup.

Usage: python -m bench.scim_lookup [--users 100000] [--seconds 10] [--rounds 3] [--out DIR]
"""

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from urllib.parse import quote

from app.services import accounts, clock, scim_tokens
from bench.common import RESULTS, log, machine, migrated_database, ratio, wire_server
from bench.serving import gunicorn, wrk
from bench.status_load import ROUTES, caller

CLIENTS = 8
TARGET = 0.7  # of the raw route's requests/s
BATCH = 5000
METRICS = ("rps", "p50_ms", "p99_ms")


def user_name(n):
    """The userName of the n-th user: an e-mail, as Okta and Entra send."""
    return f"Person.{n}@Example.com"


def insert_people(db, count):
    """Insert `count` users and their SCIM records as SCIM creates them."""
    now, bcrypt_hash = clock.now(), "$2b$10$" + "x" * 53
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        db.users.insert_many(
            [
                accounts.new_user(
                    f"scim{n:012d}",
                    {"name": f"Person {n}"},
                    accounts_identity(n),
                    bcrypt_hash,
                    now,
                )
                for n in numbers
            ]
        )
        db.bulkimport_scim_users.insert_many(
            [
                {
                    "_id": f"scim{n:012d}",
                    "userName": user_name(n),
                    "userNameKey": user_name(n).casefold(),
                    "externalId": f"ext-{n}",
                    "primaryEmail": True,
                    "createdAt": now,
                    "updatedAt": now,
                }
                for n in numbers
            ]
        )


def accounts_identity(n):
    """The Identity of the n-th user: its derived username and its address."""
    from app.contract.identities import Identity

    return Identity(username=f"Person.{n}", emails=[f"person.{n}@example.com"], import_ids=[])


def lookup_path(n):
    """The path of Okta's lookup of the n-th user (another case, as an IdP may send it)."""
    return "/scim/v2/Users?filter=" + quote(f'userName eq "{user_name(n).lower()}"')


def check(base, headers, count):
    """Make sure the lookup finds the user before loading it."""
    import requests

    with requests.get(base + lookup_path(count // 2), headers=headers, timeout=10) as answer:
        assert answer.status_code == 200, answer.text
        assert answer.json()["totalResults"] == 1, answer.text


def measure(server, users, seconds, rounds):
    """Serve on a fresh database of `users` people; load both routes, interleaved."""
    url = server.new_database_url("scim")
    with migrated_database(url) as db, tempfile.TemporaryDirectory() as workdir:
        raw_headers = caller(db)
        log(f"scim: inserting {users} users")
        insert_people(db, users)
        scim_headers = {"Authorization": f"Bearer {scim_tokens.create(db, 'bench', True)}"}
        routes = {
            "raw": (ROUTES["raw"], raw_headers),
            "scim_lookup": (lookup_path(users // 2), scim_headers),
        }
        samples = {name: [] for name in routes}
        with gunicorn(url, Path(workdir) / "gunicorn.log") as served:
            check(served.base, scim_headers, users)
            for _ in range(rounds):
                for name, (path, headers) in routes.items():
                    wrk(served.base + path, CLIENTS, 1, headers)  # warm up
                    samples[name].append(wrk(served.base + path, CLIENTS, seconds, headers))
                    log(f"scim: {name}: {samples[name][-1]}")
    table = {name: _median(runs) for name, runs in samples.items()}
    share = ratio(table["scim_lookup"]["rps"], table["raw"]["rps"])
    return {
        "users": users,
        "clients": CLIENTS,
        "seconds": seconds,
        "rounds": rounds,
        "routes": table,
        "ratio_to_raw": share,
        "holds": share is not None and share >= TARGET,
    }


def _median(runs):
    merged = {key: round(statistics.median(run[key] for run in runs), 3) for key in METRICS}
    merged["non_2xx"] = sum(run["non_2xx"] for run in runs)
    return merged


def markdown(result, facts):
    """Return the figures as a table."""
    raw, scim = result["routes"]["raw"], result["routes"]["scim_lookup"]
    return "\n".join(
        [
            f"SCIM lookup at {result['clients']} clients, {result['users']:,} users "
            f"({result['rounds']} rounds of {result['seconds']} s, medians)",
            "",
            "| route | rps | p50 ms | p99 ms | non-2xx |",
            "|---|---:|---:|---:|---:|",
            f"| raw-pymongo import.status | {raw['rps']} | {raw['p50_ms']} | {raw['p99_ms']} | "
            f"{raw['non_2xx']} |",
            f"| `GET /scim/v2/Users?filter=userName eq` | {scim['rps']} | {scim['p50_ms']} | "
            f"{scim['p99_ms']} | {scim['non_2xx']} |",
            "",
            f"Ratio to the raw route: **{result['ratio_to_raw']}** (target ≥ {TARGET}: "
            f"{'holds' if result['holds'] else 'does not hold'}).",
            "",
            f"Machine: {facts}",
            "",
        ]
    )


def main():
    """Measure and write bench/results/scim.json and scim.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with wire_server() as server:
        result = measure(server, args.users, args.seconds, args.rounds)
    facts = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scim.json").write_text(json.dumps({"machine": facts, **result}, indent=2) + "\n")
    (args.out / "scim.md").write_text(markdown(result, facts))
    print(markdown(result, facts))


if __name__ == "__main__":
    main()
