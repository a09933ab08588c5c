"""Open the database: a real MongoDB from MONGO_URL, or the embedded in-memory one."""

import mongomock
import pymongo

from app.models.db_errors import UNAVAILABLE_ERRORS

DEFAULT_DATABASE = "rocketchat"  # Rocket.Chat's own default when the URL names none


def connect(url, timeout_ms):
    """Return the database MONGO_URL names, on one pooled client (no I/O happens here)."""
    client = pymongo.MongoClient(
        url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=max(timeout_ms * 6, 30000),
        appname="rc-bulk-import",
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


def ping(db, timeout_seconds):
    """Tell whether the database answers within the timeout."""
    try:
        with pymongo.timeout(timeout_seconds):
            db.command("ping")
    except UNAVAILABLE_ERRORS:
        return False
    return True


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
