"""Start the service's own commands as real processes, for tests across processes."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

COMMAND = shutil.which("bulk-import-server", path=str(Path(sys.executable).parent))


class Process:
    """A `bulk-import-server` subcommand running in the background, logging to a file."""

    def __init__(self, args, log_path, **env):
        self.log_path = Path(log_path)
        settings = {"LOG_LEVEL": "INFO", "LOG_FORMAT": "json", **env}
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            [COMMAND, *args],
            env={**os.environ, **{k: str(v) for k, v in settings.items()}},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log_lines(self):
        """Return the JSON log lines written so far."""
        lines = []
        for line in self.log_path.read_text().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
        return lines

    def kill(self):
        """SIGKILL: no cleanup of any kind."""
        self.popen.kill()
        self.popen.wait(10)

    def stop(self):
        """SIGTERM, then wait."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def wait_for(condition, timeout, what):
    """Poll condition until it is true; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return result


def serve(port, log_path, **env):
    """Start the API on a port and wait until /healthz answers."""
    process = Process(["serve", "--port", str(port)], log_path, **env)

    def up():
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
        except requests.RequestException:
            # Not up yet: refused, or accepted but too busy to answer on a loaded machine.
            return False

    wait_for(up, 30, f"the API on port {port}")
    return process
