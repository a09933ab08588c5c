"""Invitations per second against the SMTP server's own limit, measured in the same run.

An aiosmtpd server (its own process, discarding what it takes) is the SMTP server; the
limit is a bare smtplib loop sending the same mail on one connection; the service is
import.invite then one worker sending on the wire server. Writes bench/results/invitations.*

Usage: python -m bench.invitations [--users 1000 10000] [--out DIR]
"""

import argparse
import json
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

from pymongo import monitoring

from app.config import load_settings
from app.models import users
from app.services import clock, enrollment, invitations
from app.services.invitation_mail import Template
from app.services.mail_settings import load
from app.services.worker import Worker
from bench.common import RESULTS, Stopwatch, log, machine, migrated_database, wire_server
from tests.support.invites import insert_imported
from tests.support.mailbox import insert_mail_settings
from tests.support.wire import free_port

FROM = "noreply@chat.example.com"
TARGET = 0.7


def smtp_server(port):
    """Start aiosmtpd on loopback in a process of its own, its Sink handler taking any mail."""
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("aiosmtpd did not start")


def bare_loop(port, count, message):
    """Send `count` copies of one mail on one connection; return mails per second."""
    with Stopwatch() as watch:
        smtp = smtplib.SMTP("127.0.0.1", port)
        for n in range(count):
            smtp.sendmail(FROM, [f"u{n}@example.com"], message)
        smtp.quit()
    return count / watch.seconds


class DatabaseTime(monitoring.CommandListener):
    """Add up the time the database took to answer, and the documents written."""

    def __init__(self):
        self.seconds, self.recording = 0.0, False

    def started(self, event):
        """Nothing to do before the answer."""

    def succeeded(self, event):
        """Count the command's time while recording."""
        if self.recording:
            self.seconds += event.duration_micros / 1e6

    def failed(self, event):
        """Count the command's time while recording."""
        self.succeeded(event)


def service(db, database_time, count):
    """Invite `count` imported users and send with one worker; return the figures."""
    operation_id = insert_imported(db, count)
    with Stopwatch() as queueing:
        queued = invitations.invite(db, operation_id)["queued"]
    settings = load_settings({"INVITE_MAILS_PER_MINUTE": 1e9, "LOG_LEVEL": "WARNING"})
    worker = Worker.from_settings(db, settings, worker_id="bench")
    database_time.seconds, database_time.recording = 0.0, True
    before = resident_mib()
    with Stopwatch() as sending:
        worker.run_pending()
    database_time.recording = False
    grown = resident_mib() - before
    worker.stop()
    sent = invitations.listing(db, operation_id)["counts"]["sent"]
    assert queued == sent == count, (queued, sent)
    return {
        "queue_seconds": queueing.seconds,
        "per_second": count / sending.seconds,
        # The database thread works while the SMTP server does: near 100 %, it is the limit.
        "database_busy": database_time.seconds / sending.seconds,
        "tokens_per_second": token_writes(db, operation_id, worker.invite_settings.batch_size),
        "memory_growth_mib": grown,
    }


def resident_mib():
    """Return this process's resident memory in MiB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def token_writes(db, operation_id, size):
    """Return how many enroll tokens per second the users collection takes in bulk writes of
    `size`, nothing else done: the least database work per invitation, its ceiling."""
    ids = [i["userId"] for i in db.bulkimport_invitations.find({"operationId": operation_id})]
    now = clock.now()
    with Stopwatch() as writing:
        for first in range(0, len(ids), size):
            chunk = ids[first : first + size]
            users.set_enroll_tokens(db, {i: enrollment.new_record("x@y.z", now) for i in chunk})
    return len(ids) / writing.seconds


def measure(sizes):
    """Run both loops at each size on one SMTP server and one database; return the figures."""
    port, database_time = free_port(), DatabaseTime()
    server = smtp_server(port)
    results = []
    try:
        with (
            wire_server() as wire,
            migrated_database(wire.new_database_url(), event_listeners=[database_time]) as db,
        ):
            insert_mail_settings(db, port, From_Email=FROM)
            template = Template(load(db))
            message = template.message("User Number", "u0@example.com", "https://x/" + "t" * 43)
            for count in sizes:
                log(f"invitations: {count} users")
                bare = bare_loop(port, count, message)
                ours = service(db, database_time, count)
                ratio = ours["per_second"] / bare
                results.append(
                    {
                        "users": count,
                        "bare_per_second": bare,
                        **ours,
                        "ratio": ratio,
                        "tokens_ratio": ours["tokens_per_second"] / bare,
                    }
                )
    finally:
        server.terminate()
        server.wait(10)
    return results


def markdown(results, facts):
    """Return the table of the figures."""
    lines = [
        "| users | bare smtplib loop (mails/s) | service (invitations/s) | ratio | ≥ 0.7 | "
        "database busy | enroll-token writes alone (/s) | their ratio: the ceiling | "
        "import.invite (s) | memory grown while sending (MiB) |",
        "|---:|---:|---:|---:|:-:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['users']:,} | {r['bare_per_second']:,.0f} | {r['per_second']:,.0f} | "
            f"{r['ratio']:.2f} | {'yes' if r['ratio'] >= TARGET else 'no'} | "
            f"{r['database_busy']:.0%} | {r['tokens_per_second']:,.0f} | "
            f"{r['tokens_ratio']:.2f} | "
            f"{r['queue_seconds']:.2f} | {r['memory_growth_mib']:.1f} |"
        )
    return "\n".join([*lines, "", f"Machine: {facts}", ""])


def main():
    """Measure and write bench/results/invitations.json and .md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = measure(args.users)
    facts = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "invitations.json").write_text(
        json.dumps({"machine": facts, "results": results}, indent=2) + "\n"
    )
    (args.out / "invitations.md").write_text(markdown(results, facts))
    print(markdown(results, facts))


if __name__ == "__main__":
    main()
