"""What the benchmarks share: the wire server, staged users, counters, timing and machine facts."""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import bcrypt
import pymongo
from pymongo import monitoring

from app.services import imports, migrations
from tests.support import factories
from tests.support.wire import WireServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BCRYPT_COST = 10
STAGING_CHUNK = 5000  # users per add_users call while staging


@contextmanager
def wire_server():
    """Start a wire server of our own (tests.support.wire's) for the duration of a block."""
    server = WireServer(own=True)
    try:
        yield server
    finally:
        server.close()


@contextmanager
def migrated_database(url, **client_options):
    """Open the database a URL names, with our migrations applied (indexes, permissions)."""
    with pymongo.MongoClient(url, **client_options) as client:
        db = client.get_default_database()
        migrations.migrate(db)
        yield db


def person(n, password=None):
    """Return one user as import.addUsers receives it."""
    user = {
        "username": f"user{n}",
        "emails": [f"user{n}@example.com"],
        "importIds": [f"import-{n}"],
        "name": f"User Number {n}",
    }
    if password:
        user["password"] = password
    return user


def people(count, with_passwords=False):
    """Return `count` distinct users, with a password each when asked."""
    return [person(n, f"secret-{n}" if with_passwords else None) for n in range(count)]


def insert_admin(db):
    """Insert an admin holding a login token; return (user, token)."""
    return factories.insert_user(db, roles=("admin", "user"))


def stage(db, count, with_passwords=False):
    """Create an operation and stage `count` users in it (import.new + import.addUsers)."""
    admin, _ = insert_admin(db)
    operation = imports.new_operation(db, admin["_id"])
    users = people(count, with_passwords)
    for first in range(0, count, STAGING_CHUNK):
        imports.add_users(db, users[first : first + STAGING_CHUNK])
    return operation


class CommandCounter(monitoring.CommandListener):
    """Count the commands (database round trips) a client sends, by name, while recording."""

    def __init__(self, recording=True):
        self.names = []
        self.recording = recording

    def started(self, event):
        """Record one command."""
        if self.recording:
            self.names.append(event.command_name)

    def succeeded(self, event):
        """Ignore: counted when started."""

    def failed(self, event):
        """Ignore: counted when started."""

    def by_name(self):
        """Return {command name: count}."""
        counts = {}
        for name in self.names:
            counts[name] = counts.get(name, 0) + 1
        return counts


class Stopwatch:
    """Time a block with the monotonic performance counter."""

    def __enter__(self):
        self.started = time.perf_counter()
        self.seconds = None
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def one_bcrypt_seconds(samples=10):
    """Return the median time of one bcrypt at the service's cost, on one core."""
    secret = b"0" * 64  # a SHA-256 hex digest is what the service hashes
    times = []
    for _ in range(samples):
        with Stopwatch() as watch:
            bcrypt.hashpw(secret, bcrypt.gensalt(BCRYPT_COST))
        times.append(watch.seconds)
    return statistics.median(times)


def peak_rss_mb(pid="self"):
    """Return a process's peak resident memory (VmHWM) in MiB."""
    return _status_kib(pid, "VmHWM") / 1024


def rss_mb(pid="self"):
    """Return a process's current resident memory (VmRSS) in MiB."""
    return _status_kib(pid, "VmRSS") / 1024


def _status_kib(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


def run_json(module, *args, env=None, timeout=None):
    """Run `python -m module args` and return the JSON object it prints last."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def machine():
    """Return the facts about this machine that the figures depend on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pymongo": pymongo.version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def ratio(value, baseline):
    """Return value / baseline rounded to three places (None without a baseline)."""
    return round(value / baseline, 3) if baseline else None


def log(message):
    """Print progress to stderr, so stdout stays machine-readable."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
