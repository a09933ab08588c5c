"""The `bulkimport_invitations` collection: one document per person an operation invites,
`_id` `<operationId>:<userId>`, holding the person's state and never a token."""

from collections import defaultdict

import pymongo
from pymongo import UpdateMany, UpdateOne
from pymongo.errors import BulkWriteError

from app.contract.invitations import FAILED, OPEN, QUEUED, SENDING, SENT, SKIPPED
from app.models.db_errors import DUPLICATE_KEY

COLLECTION = "bulkimport_invitations"

# The worker's next batch and the counts, then the listing's order.
INDEXES = [
    ([("operationId", 1), ("state", 1), ("nextAttemptAt", 1)], {}),
    ([("operationId", 1), ("username", 1)], {}),
]
# What a fresh or requeued invitation must not keep from an earlier one.
_FORGOTTEN = ("reason", "sentAt", "tokenWhen")
# What the worker reads of an invitation it is about to send.
_TO_SEND = {f: 1 for f in ("userId", "email", "name", "tokenWhen", "interrupted", "attempts")}


def invitation_id(operation_id, user_id):
    """Return the `_id` of a person's invitation to an operation."""
    return f"{operation_id}:{user_id}"


def states_of(db, operation_id):
    """Return {userId: state} of every person the operation has an invitation for."""
    found = db[COLLECTION].find({"operationId": operation_id}, {"userId": 1, "state": 1})
    return {document["userId"]: document["state"] for document in found}


def insert_new(db, documents):
    """Insert invitations for people who had none; return how many were inserted (one that
    a concurrent call inserted first is left as it is)."""
    if not documents:
        return 0
    try:
        return len(db[COLLECTION].insert_many(documents, ordered=False).inserted_ids)
    except BulkWriteError as error:
        return _only_duplicates(error).get("nInserted", 0)


def put(db, documents, replaceable):
    """Write each document unless its person's invitation exists in another state than
    `replaceable` (a worker may have moved it since); return how many were written."""
    if not documents:
        return 0
    writes = [
        UpdateOne(
            {"_id": document["_id"], "state": {"$in": list(replaceable)}},
            {"$set": document, "$unset": {k: "" for k in _FORGOTTEN if k not in document}},
            upsert=True,
        )
        for document in documents
    ]
    try:
        result = db[COLLECTION].bulk_write(writes, ordered=False)
    except BulkWriteError as error:
        # A duplicate key is an invitation in a state we must leave alone: not written.
        details = _only_duplicates(error)
        return details.get("nUpserted", 0) + details.get("nModified", 0)
    return result.upserted_count + result.modified_count


def _only_duplicates(error):
    """Return the details of a bulk write that only duplicate keys refused; else raise it."""
    details = error.details or {}
    if any(e.get("code") != DUPLICATE_KEY for e in details.get("writeErrors", [])):
        raise error
    return details


def due_ids(db, operation_id, now, limit):
    """Return the ids of up to `limit` queued invitations whose time has come."""
    # Read once per run and then fetched by _id: SecantusDB reads every entry of an index
    # range before it applies a limit (half a second for 10,000 queued), so a query of the
    # queue for each chunk made sending quadratic.
    query = {"operationId": operation_id, "state": QUEUED, "nextAttemptAt": {"$lte": now}}
    return [found["_id"] for found in db[COLLECTION].find(query, {"_id": 1}).limit(limit)]


def still_due(db, invitation_ids, now):
    """Return those of these invitations still queued and due, in one round trip."""
    query = {"_id": {"$in": list(invitation_ids)}, "state": QUEUED, "nextAttemptAt": {"$lte": now}}
    return list(db[COLLECTION].find(query, _TO_SEND))


def interrupted(db, operation_id, limit):
    """Return invitations left `sending` by a worker that stopped without a word."""
    query = {"operationId": operation_id, "state": SENDING}
    return list(db[COLLECTION].find(query, _TO_SEND).limit(limit))


def mark_sending(db, invitation_ids, changes, now):
    """Hand invitations to the SMTP server: all of `invitation_ids`, with {id: fields} set on
    some (a new token's time, a changed address), in one round trip."""
    # Each invitation written once, those given the same fields in one update (a chunk's
    # new tokens share their time): the server's work is per document written.
    alike = defaultdict(list)
    for invitation in invitation_ids:
        alike[tuple(sorted(changes.get(invitation, {}).items()))].append(invitation)
    _write(db, [_all(ids, {**dict(f), "state": SENDING}, now) for f, ids in alike.items()])


def record(db, sent, retries, failures, skipped, now):
    """Write what the SMTP server said: ids sent, and {id: fields} to retry, fail or skip."""
    outcomes = {}
    for changes, state in ((retries, QUEUED), (failures, FAILED), (skipped, SKIPPED)):
        outcomes.update({i: {**fields, "state": state} for i, fields in changes.items()})
    _write(db, [_all(sent, {"state": SENT, "sentAt": now}, now), *_each(outcomes, now)])


def _all(invitation_ids, fields, now):
    # One update for many invitations: the mail of most of them went (or goes) alike.
    query = {"_id": {"$in": list(invitation_ids)}, "state": {"$in": list(OPEN)}}
    return UpdateMany(query, {"$set": {**fields, "_updatedAt": now}}) if invitation_ids else None


def _each(changes, now):
    return [
        UpdateOne(
            {"_id": invitation, "state": {"$in": list(OPEN)}},
            {"$set": {**fields, "_updatedAt": now}},
        )
        for invitation, fields in changes.items()
    ]


def _write(db, writes):
    writes = [write for write in writes if write is not None]
    if writes:
        db[COLLECTION].bulk_write(writes, ordered=False)


def requeue_sending(db, invitation_ids, now):
    """Put invitations this worker did not get to back in the queue (it is stopping)."""
    if invitation_ids:
        db[COLLECTION].update_many(
            {"_id": {"$in": list(invitation_ids)}, "state": SENDING},
            {"$set": {"state": QUEUED, "_updatedAt": now}},
        )


def close_open(db, operation_id, state, reason, now):
    """Move every open invitation of an operation to `state` with `reason`; return how many."""
    result = db[COLLECTION].update_many(
        {"operationId": operation_id, "state": {"$in": list(OPEN)}},
        {"$set": {"state": state, "reason": reason, "_updatedAt": now}},
    )
    return result.modified_count


def next_due(db, operation_id, now):
    """Return when the next open invitation of an operation is due, or None if none is open."""
    if db[COLLECTION].find_one({"operationId": operation_id, "state": SENDING}, {"_id": 1}):
        return now  # left by a worker that stopped: due at once
    queued = {"operationId": operation_id, "state": QUEUED}
    if db[COLLECTION].find_one({**queued, "nextAttemptAt": {"$lte": now}}, {"_id": 1}):
        return now  # the common case, answered without sorting every queued one
    first = db[COLLECTION].find_one(queued, {"nextAttemptAt": 1}, sort=[("nextAttemptAt", 1)])
    return None if first is None else first["nextAttemptAt"]


def counts(db, operation_id):
    """Return {state: number of invitations} of an operation (states with none left out)."""
    grouped = db[COLLECTION].aggregate(
        [{"$match": {"operationId": operation_id}}, {"$group": {"_id": "$state", "n": {"$sum": 1}}}]
    )
    return {group["_id"]: group["n"] for group in grouped}


def page(db, operation_id, states, offset, count):
    """Return (invitations in `states`, by username, from offset, at most count; total)."""
    query = {"operationId": operation_id, "state": {"$in": list(states)}}
    order = [("username", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]
    found = list(db[COLLECTION].find(query).sort(order).skip(offset).limit(count))
    return found, db[COLLECTION].count_documents(query)
