"""Create indexes without ever replacing or dropping one that exists."""

from app.models.connection import is_embedded

# What MongoDB fills in for a collation's unset fields (ICU's defaults for every locale but
# a few this service never asks for); `version` is the ICU version, not part of identity.
_COLLATION_DEFAULTS = {
    "caseLevel": False,
    "caseFirst": "off",
    "strength": 3,
    "numericOrdering": False,
    "alternate": "non-ignorable",
    "maxVariable": "punct",
    "normalization": False,
    "backwards": False,
}


def ensure(db, collection, keys, **options):
    """Create an index unless one of the same name, or one MongoDB takes for the same index
    (same keys, collation and partial filter, whatever its name and options), exists;
    return the name created, or None."""
    if options.get("unique") and is_embedded(db):
        # mongomock enforces a unique index by scanning the whole collection on every
        # insert, which makes a large import quadratic; the embedded database has a
        # single writer, whose lookups already keep identities unique.
        return None
    keys = [(field, direction) for field, direction in keys]
    wanted = identity({"key": dict(keys), **options})
    name = options.get("name") or default_name(keys)
    for existing in db[collection].list_indexes():
        # Either one would make MongoDB refuse ours (IndexOptionsConflict, IndexKeySpecsConflict).
        if existing["name"] == name or identity(existing) == wanted:
            return None
    return db[collection].create_index(keys, **options)


def ensure_declared(db, collection, declared):
    """Ensure each `(keys, options)` of a model's INDEXES on its collection."""
    for keys, options in declared:
        ensure(db, collection, keys, **options)


def drop_if_present(db, collection, name):
    """Drop the index of this name if there is one (only ever one of ours); tell if it was."""
    if name not in {index["name"] for index in db[collection].list_indexes()}:
        return False
    db[collection].drop_index(name)
    return True


def identity(spec):
    """Return what MongoDB compares to tell two indexes apart: the keys, the collation (its
    unset fields filled in) and the partial filter; names and other options are not part of it."""
    keys = tuple((field, _direction(d)) for field, d in dict(spec["key"]).items())
    return keys, _collation(spec.get("collation")), _frozen(spec.get("partialFilterExpression"))


def default_name(keys):
    """Return the name MongoDB gives an index of these keys when none is asked for."""
    return "_".join(f"{field}_{direction}" for field, direction in keys)


def _direction(direction):
    return direction if isinstance(direction, str) else int(direction)


def _collation(collation):
    if not collation or collation.get("locale") == "simple":
        return None
    full = {**_COLLATION_DEFAULTS, **{k: v for k, v in dict(collation).items() if k != "version"}}
    return tuple(sorted(full.items()))


def _frozen(value):
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


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
