"""--against DUMP: which records of a file would collide with the users of a Rocket.Chat
backup, or with an earlier record, read offline with the rules the import run applies."""

from app.client.checks import check
from app.client.report import Failure


class AgainstError(Exception):
    """The dump cannot be read; the message names the file and where."""


def collisions(source, dump_path, database=None):
    """Return a Failure for each valid record whose email, username or import id a user of
    the dump (or an earlier record of the file) holds, compared as the import run does."""
    holders = _users_of(dump_path, database)
    from app.services.accounts import identity
    from app.services.conflicts import Holders

    earlier, found = Holders([]), []
    for checked in map(check, source.records()):
        if checked.user is None:
            continue  # the dry run reports its problem already
        held = identity(checked.user)
        reason = holders.conflict(held)
        if reason:
            found.append(Failure(checked.line, checked.raw, f"{reason} (in {dump_path})"))
            continue
        taken = earlier.holder_of(held)
        if taken:
            field, value, line = taken
            reason = f"{field} already in use: {value} (by line {line} of this file)"
            found.append(Failure(checked.line, checked.raw, reason))
            continue
        earlier.take(checked.line, held)
    return found


def _users_of(dump_path, database):
    # Imported here, not at start: the importer loads the dump reader (and bson) only
    # for --against.
    from app.dumps import DumpError, open_dump, rocketchat_database
    from app.services.conflicts import Holders

    try:
        dump = open_dump(dump_path)
        chosen = rocketchat_database(dump, database)
        return Holders(user for _, user in dump.documents(chosen, only={"users"}))
    except DumpError as error:
        raise AgainstError(str(error)) from None
