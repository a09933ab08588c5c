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
    try:
        for name, batch in _batches(dump.documents(database, only)):
            restored.insert(db, name, batch)
            counts[name] = counts.get(name, 0) + len(batch)
    except FileExistsError as error:
        raise DumpError(f"{dump.path}: {error}") from None
    return counts


def _batches(pairs):
    """Group `(collection, item)` pairs, in order, into `(collection, list)` of at most
    BATCH items each; what is left of each collection comes last."""
    pending = {}
    for name, item in pairs:
        batch = pending.setdefault(name, [])
        batch.append(item)
        if len(batch) >= BATCH:
            yield name, batch
            pending[name] = []
    for name, batch in pending.items():
        if batch:
            yield name, batch


def check(dump, database, user=None, only=None):
    """Read a dump's database (only these collections, when given) through, every check
    of the reader made, nothing written; return the _id of user (a username or _id)
    among its users, or None."""
    found = None
    for name, document in dump.documents(database, only):
        if user and name == "users" and user in (document.get("username"), document.get("_id")):
            found = document.get("_id")
    return found


def sample_usernames(dump, database, limit=5):
    """Return (the first `limit` usernames of a dump's users, how many users it holds)."""
    names, total = [], 0
    for _, user in dump.documents(database, {"users"}):
        total += 1
        if len(names) < limit:
            names.append(str(user.get("username") or user.get("_id")))
    return names, total


def other_users(db, dump, database, limit=3):
    """Return (how many users db holds that are not the dump's, a few of their usernames);
    (0, []) when db holds every user of the dump already (restored before: seeding again
    writes no user)."""
    ids = [user.get("_id") for _, user in dump.documents(database, {"users"})]
    if len(restored.existing_ids(db, users.COLLECTION, ids)) == len(ids):
        return 0, []
    count, few = restored.others(db, users.COLLECTION, ids, limit)
    return count, [str(user.get("username") or user["_id"]) for user in few]


def survey(db, dump, database):
    """Read a dump's database through (every check made, nothing written); return
    (documents, documents db already holds, clashes as "collection: n (first: id)")."""
    seen, found = {}, {}
    for name, batch in _batches(_ids_once(dump, database, seen)):
        if existing_ids := restored.existing_ids(db, name, batch):
            found.setdefault(name, []).extend(existing_ids)
    total = sum(len(ids) for ids in seen.values())
    existing = sum(len(ids) for ids in found.values())
    clashes = [f"{name}: {len(ids)} (first: {ids[0]})" for name, ids in sorted(found.items())]
    return total, existing, clashes


def _ids_once(dump, database, seen):
    """Yield `(collection, _id)` of every document; a dump holding an _id twice is refused."""
    for name, document in dump.documents(database):
        ids = seen.setdefault(name, set())
        key = repr(document.get("_id"))
        if key in ids:
            raise DumpError(f"{dump.path}: {name}: _id {document.get('_id')!r} appears twice")
        ids.add(key)
        yield name, document.get("_id")


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
