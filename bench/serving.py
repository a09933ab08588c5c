"""gunicorn serving bench.wsgi on the wire server, and wrk loading it."""

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.common import ROOT
from tests.support.wire import free_port

# The API's flags in docker-compose.yml; only the bind address differs.
GUNICORN_FLAGS = ("--workers=4", "--threads=4", "--timeout=60")
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


class Gunicorn:
    """gunicorn serving bench.wsgi:app on a free loopback port, logging to a file."""

    def __init__(self, mongo_url, log_path, flags=GUNICORN_FLAGS, settings=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "MONGO_URL": mongo_url, "IMPORT_WORKER": "off", "LOG_LEVEL": "INFO"}
        env.update(settings or {})  # the service's settings (environment variables)
        self._log = Path(log_path).open("w")
        command = [_executable("gunicorn"), f"--bind=127.0.0.1:{self.port}", *flags]
        self.process = subprocess.Popen(
            [*command, "bench.wsgi:app"], cwd=ROOT, env=env, stdout=self._log, stderr=self._log
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if requests.get(f"{self.base}/readyz", timeout=2).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or its worker still booting on a busy machine
            time.sleep(0.2)
        raise TimeoutError("gunicorn did not become ready")

    def worker_pids(self):
        """Return the pids of gunicorn's worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        """Stop gunicorn and its workers."""
        self.process.terminate()
        self.process.wait(timeout=60)
        self._log.close()


@contextmanager
def gunicorn(mongo_url, log_path):
    """Serve bench.wsgi for the duration of a block."""
    server = Gunicorn(mongo_url, log_path)
    try:
        yield server
    finally:
        server.stop()


def _executable(name):
    return shutil.which(name, path=str(Path(sys.executable).parent)) or name


def wrk_available():
    """Tell whether wrk is on the PATH."""
    return shutil.which("wrk") is not None


def wrk(url, clients, seconds, headers=None):
    """Load url with `clients` keep-alive connections; return rps and latency percentiles."""
    command = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    """Read requests/s, p50/p99 latency (ms), requests and non-2xx answers from wrk's output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": round(rps, 1),
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "requests": requests_done,
        "non_2xx": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(1).strip() if errors else None,
    }


def _latency(output, percentile):
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return round(float(value) * _UNITS[unit], 3)
