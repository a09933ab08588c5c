"""The lease fields every leased job document carries (`{worker, claimedAt, expiresAt}`) and
the query that finds a document no other live worker holds: one shape for every job."""


def free_for(field, worker_id, now):
    """Return the query part matching a lease in `field` that `worker_id` may take: none, an
    expired one, or its own (from before a database outage)."""
    return {
        "$or": [
            {field: {"$exists": False}},
            {f"{field}.expiresAt": {"$lt": now}},
            {f"{field}.worker": worker_id},
        ]
    }


def taken_by(worker_id, now, expires):
    """Return the lease a worker takes at `now`, until `expires`."""
    return {"worker": worker_id, "claimedAt": now, "expiresAt": expires}
