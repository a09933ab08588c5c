"""Create indexes without ever replacing or dropping one that exists."""

from app.models.connection import is_embedded


def ensure(db, collection, keys, **options):
    """Create an index unless one with the same keys, uniqueness and collation (or the
    same name) already exists; return the name created, or None."""
    if options.get("unique") and is_embedded(db):
        # mongomock enforces a unique index by scanning the whole collection on every
        # insert, which makes a large import quadratic; the embedded database has a
        # single writer, whose lookups already keep identities unique.
        return None
    keys = [(field, direction) for field, direction in keys]
    name = options.get("name")
    for existing in db[collection].list_indexes():
        if existing["name"] == name or _same(existing, keys, options):
            return None
    return db[collection].create_index(keys, **options)


def _same(existing, keys, options):
    return (
        list(existing["key"].items()) == keys
        and bool(existing.get("unique")) == bool(options.get("unique"))
        and _collation(existing.get("collation")) == _collation(options.get("collation"))
    )


def _collation(collation):
    if not collation or collation.get("locale") == "simple":
        return None
    return (collation.get("locale"), collation.get("strength", 3))
