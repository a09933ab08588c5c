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


def ensure_declared(db, collection, declared):
    """Ensure each `(keys, options)` of a model's INDEXES on its collection."""
    for keys, options in declared:
        ensure(db, collection, keys, **options)


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


# The options of an index as mongodump keeps them that create_index takes back.
_RESTORED_OPTIONS = (
    "unique",
    "sparse",
    "collation",
    "partialFilterExpression",
    "expireAfterSeconds",
    "weights",
    "default_language",
    "language_override",
    "textIndexVersion",
    "2dsphereIndexVersion",
    "bits",
    "min",
    "max",
    "wildcardProjection",
    "hidden",
)


def restore(db, collection, specs):
    """Create the indexes of a dump's metadata (names, unique, sparse, collation, partial
    filters, ...) that the collection lacks by name; return the names created."""
    existing = {index["name"] for index in db[collection].list_indexes()}
    created = []
    for spec in specs:
        name = spec.get("name")
        if not name or name == "_id_" or name in existing:
            continue
        options = {key: spec[key] for key in _RESTORED_OPTIONS if key in spec}
        if options.get("unique") and is_embedded(db):
            continue  # quadratic in mongomock, as in ensure(); the lookups keep users unique
        created.append(db[collection].create_index(_keys(spec), name=name, **options))
    return created


def _keys(spec):
    # A text index is kept as {_fts: "text", _ftsx: 1} with its fields in `weights`.
    keys = []
    for field, direction in spec["key"].items():
        if field == "_fts":
            keys.extend((text_field, "text") for text_field in spec.get("weights") or {})
        elif field != "_ftsx":
            keys.append((field, direction if isinstance(direction, str) else int(direction)))
    return keys
