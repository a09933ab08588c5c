"""One reconciliation of a file's users, the same in the command line and the console:

    read = refused before the import + not selected + created + updated
           + failed in the run + not processed

each part named in these words, and one error report listing the users of the refused and
failed parts. The console runs the same arithmetic in reconcile.js, held to this one by
tests/golden/reconciliation.json.
"""

# Each part of the users read, in the order a summary names them, and its words.
PARTS = {
    "refused": "refused before the import",  # by the client's checks or import.addUsers
    "unselected": "not selected",  # left out of the selection
    "created": "created",
    "updated": "updated",  # existing users a run updated, when the server reports it
    "failed": "failed in the run",  # import.errors: the runner refused them
    "unprocessed": "not processed",  # the run stopped (cancelled, failed) before them
}
# The parts a summary names even at 0, so that every summary reads alike.
ALWAYS = ("refused", "created", "failed")

# The error report: one row per user of the refused and failed parts, as CSV (lists joined
# with LIST_SEPARATOR) or as a JSON array of objects with these keys.
REPORT_COLUMNS = ("line", "username", "emails", "importIds", "part", "reason")
LIST_SEPARATOR = ";"
# A CSV cell starting with one of these is prefixed with ' so a spreadsheet shows it as
# text instead of running it as a formula.
FORMULA_STARTS = "=+-@\t\r"


def run_counts(count):
    """Return {users, created, updated, failed} of an operation's `count`: users only.

    Rocket.Chat counts channels and messages in `total`, `completed` and `error` as well,
    after the users: the users' part is `users` (or `total` when smaller: this service's
    total is the users selected), and no more than that is created or failed. `updated`,
    when the server reports it, is the part of `completed` that updated existing users.
    """
    count = count or {}
    sizes = [_number(count.get(key)) for key in ("users", "total") if key in count]
    users = min(sizes) if sizes else 0
    completed, failed = _number(count.get("completed")), _number(count.get("error"))
    if completed + failed > users:
        failed = min(failed, users)
        completed = min(completed, users - failed)
    updated = min(_number(count.get("updated")), completed)
    return {"users": users, "created": completed - updated, "updated": updated, "failed": failed}


def reconcile(count=None, *, refused=0, unselected=0, sent=None):
    """Return {read, parts, shown}: the parts of the users read and the ones to name.

    `count` is the run's operation count (None: nothing ran); `sent`, the users the run
    was given (default: the count's users). What the run did not reach is `unprocessed`,
    so that read is always the sum of the parts.
    """
    run = run_counts(count)
    sent = run["users"] if sent is None else sent
    processed = run["created"] + run["updated"] + run["failed"]
    parts = {
        "refused": refused,
        "unselected": unselected,
        "created": run["created"],
        "updated": run["updated"],
        "failed": run["failed"],
        "unprocessed": max(sent - processed, 0),
    }
    reported = "updated" in (count or {})
    shown = [key for key in PARTS if parts[key] or key in ALWAYS or (key == "updated" and reported)]
    return {"read": sum(parts.values()), "parts": parts, "shown": shown}


def sentence(reconciled):
    """Return `2,000 users read: 4 refused before the import, 1,993 created, …`."""
    read = reconciled["read"]
    parts = reconciled["parts"]
    named = ", ".join(f"{parts[key]:,} {PARTS[key]}" for key in reconciled["shown"])
    return f"{read:,} user{'' if read == 1 else 's'} read: {named}"


def _number(value):
    # A count the server left out, or sent as anything but a positive number, is 0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if value > 0 else 0
