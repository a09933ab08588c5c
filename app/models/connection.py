"""Open the database: a real MongoDB from MONGO_URL, or the embedded in-memory one."""

from typing import NamedTuple

import mongomock
import pymongo

from app.models import mongo_url

DEFAULT_DATABASE = "rocketchat"  # Rocket.Chat's own default when the URL names none
APP_NAME = "rc-bulk-import"
# Opening a connection (TCP, TLS, handshake) and the monitor's checks: longer than any
# selection timeout, so that a slow link is not mistaken for a server that is down.
CONNECT_TIMEOUT_MS = 10_000
# How long one call may wait for an answer on an open connection: a primary that accepts
# and hangs answers 503 within this (requests), or the worker retries (workers).
SOCKET_TIMEOUT_MS = {"api": 10_000}
DEFAULT_SOCKET_TIMEOUT_MS = 30_000


def connect(url, timeout_ms, role=None, **options):
    """Return the database MONGO_URL names, on one pooled client (no I/O happens here).

    timeout_ms is how long a call waits for a primary (server selection); role ("api",
    "worker", "migrate"...) names the process in MongoDB's logs and currentOp; options are
    more pymongo client options (tests add event listeners).
    """
    client = pymongo.MongoClient(
        url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=CONNECT_TIMEOUT_MS,
        socketTimeoutMS=SOCKET_TIMEOUT_MS.get(role, DEFAULT_SOCKET_TIMEOUT_MS),
        appname=f"{APP_NAME} {role}" if role else APP_NAME,
        **mongo_url.options_not_in(url),
        **options,
    )
    return client.get_default_database(DEFAULT_DATABASE)


def embedded():
    """Return a fresh, empty in-memory database (mongomock) that lives as long as the process."""
    _accept_bulk_sort()
    return mongomock.MongoClient().get_database(DEFAULT_DATABASE)


def _accept_bulk_sort():
    # pymongo 4.11+ hands `sort=` to bulk builders; mongomock 4.3 predates that keyword.
    builder = mongomock.collection.BulkOperationBuilder
    for name in ("add_update", "add_replace"):
        method = getattr(builder, name)
        if not getattr(method, "accepts_sort", False):
            setattr(builder, name, _without_sort(method))


def _without_sort(method):
    def call(self, *args, sort=None, **kwargs):
        if sort is not None:
            raise NotImplementedError("the embedded database cannot sort bulk updates")
        return method(self, *args, **kwargs)

    call.accepts_sort = True
    return call


def iterate(cursor):
    """Return an iterator over a cursor's documents, in linear time on both databases.

    mongomock 4.3 (pinned) copies its whole result list at every step of a cursor, which
    makes reading n documents O(n^2); its result list is read once instead.
    """
    if isinstance(cursor, mongomock.collection.Cursor):
        return iter(cursor._compute_results(with_limit_and_skip=True))
    return cursor


def is_embedded(db):
    """Tell whether db is the in-memory database, which lacks collations and real indexes."""
    return isinstance(db.client, mongomock.MongoClient)


class Problem(NamedTuple):
    """Why the database cannot be used: `kind` for machines, `reason` for a person."""

    kind: str  # "auth-failed", "no-primary" or "unreachable"
    host: str  # the host it tried, "host:port" (several joined by ", ")
    reason: str


AUTH_FAILED, NO_PRIMARY, UNREACHABLE = "auth-failed", "no-primary", "unreachable"
PROBED_COLLECTION = "bulkimport_migrations"  # ours, small
_AUTH_CODES = {
    18: "authentication failed: wrong user name or password, or authSource",
    13: "not authorized: MONGO_URL needs a user with readWrite on its database",
}
# What a socket error says, and what it means to an administrator.
_NETWORK_CAUSES = (  # (what the error says, what it means, whether to quote it)
    (
        ("name or service not known", "nodename nor servname", "name resolution"),
        "unknown host (DNS cannot resolve it)",
        False,
    ),
    (("no address associated", "getaddrinfo"), "unknown host (DNS cannot resolve it)", False),
    (("connection refused",), "connection refused (nothing listens there)", False),
    (("certificate", "ssl", "tls"), "TLS handshake failed", True),
    (
        ("connection reset", "connection closed", "eof"),
        "the server closed the connection (does it require tls=true?)",
        True,
    ),
    (("timed out", "timeout"), "no answer in time (timeout)", True),
)


def check(db, timeout_seconds=None):
    """Return the Problem that keeps the database from being used, or None if it serves."""
    if is_embedded(db):
        return None
    try:
        with pymongo.timeout(timeout_seconds):
            db.command("ping")
            # Any read of a collection needs an authenticated user; ping does not.
            db[PROBED_COLLECTION].find_one({}, {"_id": 1})
    except pymongo.errors.PyMongoError as error:
        return diagnose(db, error)
    return None


def is_refused_credentials(error):
    """Tell whether an error means the server refused MONGO_URL's user (or lack of one)."""
    return isinstance(error, pymongo.errors.OperationFailure) and error.code in _AUTH_CODES


def diagnose(db, error):
    """Return the Problem an error of the database client means, in one line."""
    if is_refused_credentials(error):
        return Problem(AUTH_FAILED, _hosts(db), _AUTH_CODES[error.code])
    if is_embedded(db):  # no topology to read
        return Problem(UNREACHABLE, "embedded", str(error))
    topology = db.client.topology_description
    for server in topology.server_descriptions().values():
        if isinstance(server.error, pymongo.errors.NotPrimaryError):
            code = (server.error.details or {}).get("codeName", "not primary")
            return Problem(NO_PRIMARY, _address(server.address), f"stepped down ({code})")
        if server.error is not None:
            return Problem(UNREACHABLE, _address(server.address), _cause(server.error))
    if topology.topology_type_name == "ReplicaSetNoPrimary" or isinstance(
        error, pymongo.errors.NotPrimaryError
    ):
        return Problem(NO_PRIMARY, _hosts(db), _no_primary(topology))
    seconds = db.client.options.server_selection_timeout
    return Problem(UNREACHABLE, _hosts(db), f"no answer within {seconds:g} s (timeout)")


def _cause(error):
    # pymongo's text: "host:port: <the socket's error> (configured timeouts: ...)"
    detail = str(error).split(" (configured timeouts")[0].split(": ", 1)[-1]
    for needles, meaning, with_detail in _NETWORK_CAUSES:
        if any(needle in detail.lower() for needle in needles):
            return f"{meaning}: {detail}" if with_detail else meaning
    return detail


def _no_primary(topology):
    members = ", ".join(
        f"{_address(s.address)} {s.server_type_name}"
        for s in topology.server_descriptions().values()
    )
    name = topology.replica_set_name
    if not members:
        return f"no member answered as one of replica set {name!r}: check replicaSet in MONGO_URL"
    return f"replica set {name!r} has no primary (members: {members})"


def _hosts(db):
    addresses = db.client.topology_description.server_descriptions() or {}
    return ", ".join(_address(a) for a in addresses) or "(none)"


def _address(address):
    return f"{address[0]}:{address[1]}"
