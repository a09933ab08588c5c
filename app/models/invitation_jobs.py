"""The `bulkimport_invitation_jobs` collection: one job per operation whose people are invited,
leased by one worker at a time like an import operation (claim, report, release)."""

import pymongo
from pymongo import ReturnDocument

from app.contract.invitations import JOB_DONE, JOB_SENDING
from app.models.leases import free_for, taken_by

COLLECTION = "bulkimport_invitation_jobs"
LEASE = "_lease"  # which worker sends, until when
CANCEL = "_cancelRequested"  # import.invitations.cancel asked the worker to stop

# claim()'s query: open jobs that are due, oldest due first.
INDEXES = [([("status", pymongo.ASCENDING), ("dueAt", pymongo.ASCENDING)], {})]


def open_job(db, job_id, now):
    """Create the job or reopen it, due now; a cancel asked earlier is forgotten."""
    db[COLLECTION].update_one(
        {"_id": job_id},
        {
            "$set": {"status": JOB_SENDING, "_updatedAt": now},
            "$min": {"dueAt": now},
            "$unset": {CANCEL: ""},
            "$setOnInsert": {"createdAt": now},
        },
        upsert=True,
    )


def reopen(db, job_id, due):
    """Mark the job open again, due no later than `due` (work arrived while it was closing)."""
    db[COLLECTION].update_one(
        {"_id": job_id}, {"$set": {"status": JOB_SENDING}, "$min": {"dueAt": due}}
    )


def find(db, job_id):
    """Return the job of an operation, or None."""
    return db[COLLECTION].find_one({"_id": job_id})


def claim(db, worker_id, now, expires):
    """Take the lease of an open, due job that no other live worker holds."""
    return db[COLLECTION].find_one_and_update(
        {"status": JOB_SENDING, "dueAt": {"$lte": now}, **free_for(LEASE, worker_id, now)},
        {"$set": {LEASE: taken_by(worker_id, now, expires)}},
        sort=[("dueAt", pymongo.ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )


def report(db, job_id, worker_id, changes, now, expires):
    """Write progress and renew the lease; return `{cancel}`, or None if the lease is lost."""
    return db[COLLECTION].find_one_and_update(
        {"_id": job_id, f"{LEASE}.worker": worker_id},
        {"$set": {**changes, "_updatedAt": now, f"{LEASE}.expiresAt": expires}},
        projection={CANCEL: 1},
    )


def release(db, job_id, worker_id, changes, now):
    """Write the last changes and give the lease up; tell whether it was still ours."""
    result = db[COLLECTION].update_one(
        {"_id": job_id, f"{LEASE}.worker": worker_id},
        {"$set": {**changes, "_updatedAt": now}, "$unset": {LEASE: ""}},
    )
    return result.modified_count == 1


def request_cancel(db, job_id, now):
    """Ask whoever sends the job's mails to stop; tell whether an open job was asked."""
    result = db[COLLECTION].update_one(
        {"_id": job_id, "status": JOB_SENDING}, {"$set": {CANCEL: True, "_updatedAt": now}}
    )
    return result.modified_count == 1


def close_unclaimed(db, job_id, now):
    """Close an open job that no live worker holds; tell whether it was closed."""
    result = db[COLLECTION].update_one(
        {
            "_id": job_id,
            "status": JOB_SENDING,
            "$or": [{LEASE: {"$exists": False}}, {f"{LEASE}.expiresAt": {"$lt": now}}],
        },
        {"$set": {"status": JOB_DONE, "_updatedAt": now}, "$unset": {LEASE: "", CANCEL: ""}},
    )
    return result.modified_count == 1
