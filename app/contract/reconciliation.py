"""One reconciliation of a file's users, the same in the command line and the console:

    read = refused before the import + not selected + created + updated
           + failed in the run + not processed

each part named in these words, and one error report listing the users of the refused and
failed parts. The console runs the same arithmetic in reconcile.js, held to this one by
tests/golden/reconciliation.json.
"""

from app.contract.states import ROOM_COUNTS, USER_COUNTS

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


def run_counts(operation):
    """Return {users, created, updated, failed} of an operation: users only.

    This service writes `userCounts` (users selected for the run, created, updated, failed)
    and it wins. An operation Rocket.Chat ran has only `count`, where channels and messages
    are counted in `total`, `completed` and `error` as well, after the users: the users'
    part is `users` (or `total` when smaller), and no more than that is created or failed.
    """
    operation = operation or {}
    mine = operation.get(USER_COUNTS)
    if isinstance(mine, dict):
        created, updated, failed = (_number(mine.get(k)) for k in ("created", "updated", "failed"))
        users = max(_number(mine.get("selected")), created + updated + failed)
        return {"users": users, "created": created, "updated": updated, "failed": failed}
    count = operation.get("count") or {}
    sizes = [_number(count.get(key)) for key in ("users", "total") if key in count]
    users = min(sizes) if sizes else 0
    completed, failed = _number(count.get("completed")), _number(count.get("error"))
    if completed + failed > users:
        failed = min(failed, users)
        completed = min(completed, users - failed)
    return {"users": users, "created": completed, "updated": 0, "failed": failed}


def reconcile(operation=None, *, refused=0, unselected=0, sent=None):
    """Return {read, parts, shown}: the parts of the users read and the ones to name.

    `operation` is the run's operation (None: nothing ran); `sent`, the users the run was
    given (default: the operation's users). What the run did not reach is `unprocessed`,
    so that read is always the sum of the parts. `updated` is named, even at 0, for a file
    importer's operation of this service (the only imports that update users).
    """
    run = run_counts(operation)
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
    reported = reports_updates(operation)
    shown = [key for key in PARTS if parts[key] or key in ALWAYS or (key == "updated" and reported)]
    return {"read": sum(parts.values()), "parts": parts, "shown": shown}


def reports_updates(operation):
    """Tell whether the operation may have updated users: a file importer's run here."""
    operation = operation or {}
    file_importer = (operation.get("importerKey") or "api") != "api"
    return file_importer and isinstance(operation.get(USER_COUNTS), dict)


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


def rooms_sentence(operation):
    """Return `Rooms: 2 created, 1 existing joined; 5,002 memberships written (2.0 per user
    created); 1 member named in the file is no user: ghost.`, or None when the run touched
    no room (or ran elsewhere)."""
    rooms = (operation or {}).get(ROOM_COUNTS)
    if not isinstance(rooms, dict):
        return None
    created, existing, joined = (_number(rooms.get(k)) for k in ("created", "existing", "joined"))
    if not (created or existing or joined):
        return None
    text = f"Rooms: {created:,} created, {existing:,} existing joined; {joined:,} membership"
    text += "" if joined == 1 else "s"
    text += " written"
    users = run_counts(operation)["created"]
    if users:
        text += f" ({joined / users:.1f} per user created)"
    unknown = _number(rooms.get("unknownMemberCount"))
    if unknown:
        names = ", ".join(str(name) for name in rooms.get("unknownMembers") or [])
        more = "" if unknown <= len(rooms.get("unknownMembers") or []) else ", …"
        verb = "is" if unknown == 1 else "are"
        noun = "member" if unknown == 1 else "members"
        text += f"; {unknown:,} {noun} named in the file {verb} no user: {names}{more}"
    return text + "."
