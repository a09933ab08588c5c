"""The MongoDB-compatible wire server (SecantusDB): the one launcher of the tests and the
benchmarks, for whatever needs real pymongo behaviour."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pymongo

SERVER = "secantusd-py"


def free_port():
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REPLICA_SET = "secantus"  # the set SecantusDB advertises when started without --standalone


def url_for(address, database):
    """Return a MONGO_URL naming one database on the wire server."""
    return f"mongodb://{address}/{database}?directConnection=true"


def replica_set_url_for(address, database, **options):
    """Return a MONGO_URL as Rocket.Chat writes one: the replica set named, these options."""
    query = "&".join(f"{k}={v}" for k, v in {"replicaSet": REPLICA_SET, **options}.items())
    return f"mongodb://{address}/{database}?{query}"


class WireServer:
    """A wire server: the one .ci/run started (TEST_MONGO_ADDRESS), or one of our own.

    Benchmarks ask for their own (`own=True`), so that nothing else loads the server they
    measure.
    """

    def __init__(self, own=False):
        self.process = None
        self.address = None if own else os.environ.get("TEST_MONGO_ADDRESS")
        if not self.address:
            self.address = f"127.0.0.1:{free_port()}"
            self.process = start(self.address)
        self.client = pymongo.MongoClient(url_for(self.address, "admin"))
        wait_until_up(self.client)

    def new_database_url(self, prefix="t"):
        """Return the URL of a fresh database of this server."""
        return url_for(self.address, f"{prefix}_{uuid.uuid4().hex[:12]}")

    def close(self):
        """Close the client and stop the server if we started it."""
        self.client.close()
        if self.process:
            stop(self.process)


def start(address, storage=":memory:", *, replica_set=False, flags=()):
    """Start secantusd-py on address and return its process.

    replica_set: advertise a single-node replica set (REPLICA_SET), as Rocket.Chat's
    MongoDB runs, rather than a standalone server; flags: more of its options
    (`--enable-test-commands`, `--auth`, `--tls-cert-file PATH`...).
    """
    host, port = address.rsplit(":", 1)
    executable = shutil.which(SERVER, path=str(Path(sys.executable).parent)) or SERVER
    topology = [] if replica_set else ["--standalone"]
    return subprocess.Popen(
        [
            executable,
            *("--host", host, "--port", port, "--storage-path", storage),
            *topology,
            *("--log-level", "WARNING"),
            *flags,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process):
    """Stop a wire server that holds nothing worth keeping (in memory), at once.

    SecantusDB stops on SIGTERM, but its accept thread sits in a blocking accept() that
    closing the socket does not wake, and stop() joins that thread for 2 s: every SIGTERM
    cost 2 s (the whole teardown of the session's last test, when the session's server
    stops). Waking the accept() with a connection makes it hang now and then, so an
    in-memory server is killed instead; a server whose data must survive a restart
    (storage on disk) is stopped with SIGTERM and its 2 s.
    """
    process.kill()
    process.wait(timeout=30)


def wait_until_up(client, timeout=30):
    """Wait until the server answers a ping."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.admin.command("ping")
            return
        except pymongo.errors.PyMongoError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
