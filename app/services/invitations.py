"""import.invite, import.invitations and import.invitations.cancel: who an operation invites,
each person's state, and stopping the sending. A worker sends (app/services/invitation_sending).

The people of an operation are the users carrying import ids created while it was the
current operation: from its `ts` to the next operation's `ts` (Rocket.Chat's users keep no
link to the operation that created them).
"""

import math
from collections import Counter

from app.contract import invitations as states
from app.contract import states as steps
from app.contract.rules import DEFAULT_COUNT, MAX_COUNT
from app.errors import CodedError, InvalidParams, OperationNotFound
from app.models import import_operations, invitation_jobs, invitations, users
from app.services import clock

# The steps after which an operation may have created users.
ENDED = (steps.DONE, steps.CANCELLED, steps.FAILED)
# What skips a person for good in this call, recorded on their invitation.
_RECORDED = (states.NO_EMAIL, states.INACTIVE, states.LOGGED_IN)
_EVERY_STATE = (*states.OPEN, states.SENT, states.FAILED, states.SKIPPED)


def invite(db, operation_id=None, usernames=None, resend=False):
    """Queue an invitation for each person of the operation (default: the latest finished)
    who has an e-mail and never logged in; return `{operationId, queued, skipped}`."""
    operation = ended_operation(db, operation_id)
    people = _people(db, operation, usernames)
    known, now = invitations.states_of(db, operation["_id"]), clock.now()
    queued, recorded, skipped = [], [], Counter()
    for person in people:
        reason = _why_not(person, known.get(person["_id"]), resend)
        document = _invitation(operation["_id"], person, now)
        if reason is None:
            queued.append(document)
            continue
        skipped[reason] += 1
        if reason in _RECORDED:
            recorded.append({**document, "state": states.SKIPPED, "reason": reason})
    if usernames is not None:
        skipped[states.NOT_IN_OPERATION] += len(
            set(usernames) - {p.get("username") for p in people}
        )
    count = _write(db, queued, known, (*states.REQUEUEABLE, states.SENT) if resend else None)
    # A worker (or another call) moved some meanwhile: they are on their way already.
    skipped[states.ALREADY_QUEUED] += len(queued) - count
    _write(db, recorded, known)
    if count:
        invitation_jobs.open_job(db, operation["_id"], now)
    return {"operationId": operation["_id"], "queued": count, "skipped": +skipped}


def invite_person(db, job_id, person):
    """Queue one person's invitation in a job of its own (not an import's: SCIM's), as
    import.invite would; tell whether it was queued."""
    if _why_not(person, None, False) is not None:
        return False
    now = clock.now()
    if invitations.insert_new(db, [_invitation(job_id, person, now)]):
        invitation_jobs.open_job(db, job_id, now)
        return True
    return False


def _write(db, documents, known, replaceable=None):
    """Insert the invitations of people who had none, replace the others' if still in a
    state that may be replaced; return how many were written."""
    new = [d for d in documents if d["userId"] not in known]
    again = [d for d in documents if d["userId"] in known]
    return invitations.insert_new(db, new) + invitations.put(
        db, again, replaceable or states.REQUEUEABLE
    )


def ended_operation(db, operation_id=None):
    """Return the operation named, or the latest finished one; refuse one still running."""
    if operation_id is None:
        operation = import_operations.latest_with_status(db, steps.DONE)
    else:
        operation = import_operations.find(db, operation_id)
    if operation is None:
        raise OperationNotFound()
    if operation.get("status") not in ENDED or not hasattr(operation.get("ts"), "year"):
        raise CodedError("The import operation has not ended", "error-operation-not-ended")
    return operation


def _people(db, operation, usernames):
    end = import_operations.next_ts_after(db, operation["ts"])
    return users.imported_between(db, operation["ts"], end, usernames)


def _why_not(person, state, resend):
    if not _email_of(person):
        return states.NO_EMAIL
    if person.get("active") is False:
        return states.INACTIVE
    if person.get("lastLogin"):
        return states.LOGGED_IN
    if state in states.OPEN:
        return states.ALREADY_QUEUED
    if state == states.SENT and not resend:
        return states.ALREADY_SENT
    return None


def _email_of(person):
    return ((person.get("emails") or [{}])[0] or {}).get("address") or ""


def _invitation(operation_id, person, now):
    return {
        "_id": invitations.invitation_id(operation_id, person["_id"]),
        "operationId": operation_id,
        "userId": person["_id"],
        "username": person.get("username"),
        "name": person.get("name") or "",
        "email": _email_of(person),
        "state": states.QUEUED,
        "attempts": 0,
        "interrupted": 0,
        "nextAttemptAt": now,
        "queuedAt": now,
        "_updatedAt": now,
    }


def listing(db, operation_id=None, offset=None, count=None, state=None):
    """Return one page of an operation's invitations (by username) with the counts by state
    and the job's status: `none`, `sending` or `done`."""
    if state is not None and state not in states.REPORTED_STATES:
        raise InvalidParams("must be equal to one of the allowed values")
    operation = ended_operation(db, operation_id)
    offset, count = _page(offset, count)
    wanted = states.OPEN if state == states.QUEUED else (state,) if state else _EVERY_STATE
    found, total = invitations.page(db, operation["_id"], wanted, offset, count)
    job = invitation_jobs.find(db, operation["_id"])
    return {
        "operationId": operation["_id"],
        "status": job["status"] if job else states.JOB_NONE,
        "counts": _counts(invitations.counts(db, operation["_id"])),
        "invitations": [_reported(invitation) for invitation in found],
        "count": len(found),
        "offset": offset,
        "total": total,
    }


def _page(offset, count):
    # As import.errors reads them: Rocket.Chat's parseInt of the query, default and limit.
    offset, count = _whole(offset, 0), _whole(count, DEFAULT_COUNT)
    if offset < 0:
        raise InvalidParams("must be >= 0")
    return offset, min(count if count > 0 else DEFAULT_COUNT, MAX_COUNT)


def _whole(value, default):
    return default if value is None or not math.isfinite(value) else int(value)


def _counts(by_state):
    counts = {state: by_state.get(state, 0) for state in states.REPORTED_STATES}
    counts[states.QUEUED] += by_state.get(states.SENDING, 0)
    return counts


def _reported(invitation):
    state = invitation["state"]
    return {**invitation, "state": states.QUEUED if state == states.SENDING else state}


def cancel(db, operation_id=None):
    """Stop sending an operation's invitations: the open ones become skipped (`cancelled`)
    at once, or at the worker's next batch write if one is sending."""
    operation = ended_operation(db, operation_id)
    job, now = invitation_jobs.find(db, operation["_id"]), clock.now()
    if job is None or job.get("status") != states.JOB_SENDING:
        raise CodedError("No invitations are being sent", "error-no-invitations-to-cancel")
    if invitation_jobs.close_unclaimed(db, operation["_id"], now):
        invitations.close_open(db, operation["_id"], states.SKIPPED, states.CANCELLED, now)
    else:
        invitation_jobs.request_cancel(db, operation["_id"], now)
    return {"operationId": operation["_id"]}
