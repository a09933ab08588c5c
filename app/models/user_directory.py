"""The `users` collection read as a directory (SCIM): lookups that ignore case, and pages of
users matching a condition tree that holds no text of the caller's, only ids and booleans.

Conditions are `("ids", [user ids])`, `("active", bool)`, `("and", [conditions])` and
`("or", [conditions])`; the caller resolves every text comparison to ids first, so no
string of a request is ever part of a query but as a value compared for equality.
"""

from app.models.connection import is_embedded, iterate
from app.models.users import CASE_INSENSITIVE, COLLECTION, any_of_ignoring_case

# What a directory shows of a user; never `services` (passwords, tokens).
PROJECTION = dict.fromkeys(
    ("username", "name", "emails", "active", "type", "createdAt", "_updatedAt"), 1
)
# Bots and apps are Rocket.Chat's own accounts, not people of a directory.
NOT_PEOPLE = ("bot", "app")


def ids_with(db, field, value):
    """Return the ids of the users whose `username` or `emails.address` is value, ignoring
    case as Rocket.Chat's case-insensitive indexes do."""
    if field not in ("username", "emails.address"):
        raise ValueError(f"not a field compared ignoring case: {field}")
    if is_embedded(db):  # mongomock ignores collations
        cursor = db[COLLECTION].find({field: any_of_ignoring_case([value])}, {"_id": 1})
    else:
        cursor = db[COLLECTION].find({field: value}, {"_id": 1}, collation=CASE_INSENSITIVE)
    return [user["_id"] for user in cursor]


def query_of(condition, hidden_ids=()):
    """Return the query of a condition tree, people only, without the hidden ids."""
    parts = [{"type": {"$nin": list(NOT_PEOPLE)}}]
    if hidden_ids:
        parts.append({"_id": {"$nin": list(hidden_ids)}})
    if condition is not None:
        parts.append(_part(condition))
    return _merged(parts)


def _part(condition):
    kind, value = condition
    if kind == "ids":
        return {"_id": {"$in": list(value)}}
    if kind == "active":
        # Rocket.Chat's users always carry `active`; a missing one is not active.
        return {"active": True} if value is True else {"active": {"$ne": True}}
    if kind == "and":
        return _merged([_part(item) for item in value])
    if kind == "or":
        return {"$or": [_part(item) for item in value]}
    raise ValueError(f"unknown condition {kind!r}")


def _merged(parts):
    """Return one flat query of parts whose fields differ, else their `$and`: a server that
    plans an `$and` as a collection scan (SecantusDB) still uses the `_id` index."""
    merged = {}
    for part in parts:
        if set(part) & set(merged):
            return {"$and": parts}
        merged.update(part)
    return merged


def find_all(db, query):
    """Return every user matching the query, by `_id` (for queries bounded by ids)."""
    return list(iterate(db[COLLECTION].find(query, PROJECTION).sort("_id", 1)))


def page(db, query, skip, limit):
    """Return (users of one page by `_id`, how many match in all)."""
    total = db[COLLECTION].count_documents(query)
    if limit == 0 or skip >= total:
        return [], total
    cursor = db[COLLECTION].find(query, PROJECTION).sort("_id", 1).skip(skip).limit(limit)
    return list(iterate(cursor)), total


def find_one(db, user_id):
    """Return one person by id with what a directory shows, or None."""
    return db[COLLECTION].find_one({"_id": user_id, "type": {"$nin": list(NOT_PEOPLE)}}, PROJECTION)
