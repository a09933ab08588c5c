"""Profile import.status in one process with pyinstrument: where its time goes beyond the database.

Usage: python -m bench.profile_status [--calls 2000] [--route /api/v1/import.status]

Calls the route through the WSGI app of bench.wsgi (as gunicorn would) on a wire server of
our own and writes `profile-status.txt`, pyinstrument's call tree.
"""

import argparse
import importlib
import io
import os
import sys

from pyinstrument import Profiler

from app import close_app
from bench.common import RESULTS, Stopwatch, log, migrated_database, wire_server
from bench.status_load import caller


def call_many(app, route, headers, calls):
    """Call a route `calls` times through the WSGI app; return the seconds it took."""
    client = app.test_client()
    with Stopwatch() as watch:
        for _ in range(calls):
            answer = client.get(route, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"{route} answered {answer.status_code}")
    return watch.seconds


def main():
    """Profile the route and print the time per call."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--route", default="/api/v1/import.status")
    parser.add_argument("--out", default=str(RESULTS / "profile-status.txt"))
    parser.add_argument("--all", action="store_true", help="show library frames too")
    args = parser.parse_args()
    with wire_server() as server:
        url = server.new_database_url("profile")
        with migrated_database(url) as db:
            headers = caller(db)
        os.environ.update(MONGO_URL=url, IMPORT_WORKER="off", LOG_LEVEL="INFO")
        sys.stderr = io.StringIO()  # the access log would be written to a terminal
        wsgi = importlib.import_module("bench.wsgi")
        target = wsgi.baseline if args.route.startswith(wsgi.BASELINE_PREFIX) else wsgi.api
        call_many(target, args.route, headers, 200)  # warm the pool up
        profiler = Profiler(interval=0.0005)
        with profiler:
            seconds = call_many(target, args.route, headers, args.calls)
        sys.stderr = sys.__stderr__
        close_app(wsgi.api)
        with open(args.out, "w") as out:
            out.write(profiler.output_text(show_all=args.all))
    log(f"{args.route}: {seconds / args.calls * 1000:.3f} ms per call; profile in {args.out}")


if __name__ == "__main__":
    main()
