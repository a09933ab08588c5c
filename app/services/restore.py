"""Load a dump into a database: its indexes, then its documents streamed in batches.

Used by `serve --export` (the embedded database: a failure discards the whole database,
so the service never starts on half a dump) and by `seed --export` (MONGO_URL: the dump
is read through once, checked, before anything is written).
"""

import logging

from app.dumps import DumpError, open_dump, rocketchat_database
from app.models import (
    import_operations,
    indexes,
    migrations_log,
    permissions,
    restored,
    roles,
    server_events,
    settings,
    staging,
    users,
)

log = logging.getLogger(__name__)

BATCH = 1000  # documents per insert: bounded memory, few round trips

# The collections the service reads and writes: all the embedded database needs of a
# backup. A real one's messages, rooms and uploads would only fill the process's memory.
SERVED = frozenset(
    model.COLLECTION
    for model in (
        import_operations,
        migrations_log,
        permissions,
        roles,
        server_events,
        settings,
        staging,
        users,
    )
)


def open_for_loading(path, database=None):
    """Return (dump, database name) for a path, or raise DumpError."""
    dump = open_dump(path)
    return dump, rocketchat_database(dump, database)


def load(db, dump, database, only=None):
    """Recreate the indexes of a dump's database (of only these collections, when given)
    in db, then insert their documents; return {collection: documents inserted}. Raise
    DumpError on a fault of the dump."""
    collections = {
        name: collection
        for name, collection in dump.collections(database).items()
        if only is None or name in only
    }
    counts = {name: 0 for name, collection in collections.items() if collection.has_documents}
    # Indexes first: one the database refuses stops the restore before any document.
    for name, collection in collections.items():
        indexes.restore(db, name, collection.indexes)
    pending = {}
    try:
        for name, document in dump.documents(database, only):
            batch = pending.setdefault(name, [])
            batch.append(document)
            if len(batch) >= BATCH:
                counts[name] = counts.get(name, 0) + _flush(db, name, batch)
        for name, batch in pending.items():
            counts[name] = counts.get(name, 0) + _flush(db, name, batch)
    except FileExistsError as error:
        raise DumpError(f"{dump.path}: {error}") from None
    return counts


def _flush(db, name, batch):
    written = len(batch)
    if batch:
        restored.insert(db, name, batch)
        batch.clear()
    return written


def check(dump, database, user=None, only=None):
    """Read a dump's database (only these collections, when given) through, every check
    of the reader made, nothing written; return the _id of user (a username or _id)
    among its users, or None."""
    found = None
    for name, document in dump.documents(database, only):
        if user and name == "users" and user in (document.get("username"), document.get("_id")):
            found = document.get("_id")
    return found


def survey(db, dump, database):
    """Read a dump's database through (every check made, nothing written); return
    (documents, documents db already holds, clashes as "collection: n (first: id)")."""
    total, existing, clashes = 0, 0, []
    found, seen, pending = {}, {}, {}
    for name, document in dump.documents(database):
        total += 1
        ids = seen.setdefault(name, set())
        key = repr(document.get("_id"))
        if key in ids:
            raise DumpError(f"{dump.path}: {name}: _id {document.get('_id')!r} appears twice")
        ids.add(key)
        batch = pending.setdefault(name, [])
        batch.append(document.get("_id"))
        if len(batch) >= BATCH:
            found.setdefault(name, []).extend(restored.existing_ids(db, name, batch))
            batch.clear()
    for name, batch in pending.items():
        if batch:
            found.setdefault(name, []).extend(restored.existing_ids(db, name, batch))
    for name, ids in sorted(found.items()):
        existing += len(ids)
        if ids:
            clashes.append(f"{name}: {len(ids)} (first: {ids[0]})")
    return total, existing, clashes


def seed(db, dump, database):
    """Restore a dump's database into a real database that holds none of its documents;
    return {collection: inserted}, all zero when it holds every one already.

    Raise DumpError for a bad dump and FileExistsError when some documents exist, both
    before anything is written.
    """
    total, existing, clashes = survey(db, dump, database)
    if total and existing == total:
        return dict.fromkeys(dump.collections(database), 0)  # restored before
    if clashes:
        raise FileExistsError(f"documents already exist in {'; '.join(clashes)}")
    return load(db, dump, database)


def not_served(dump, database):
    """Return the collections of a dump's database that the service does not use."""
    return sorted(set(dump.collections(database)) - SERVED)


def describe(counts):
    """Return `a=1, b=2`, in order of name."""
    return ", ".join(f"{name}={n}" for name, n in sorted(counts.items()))
