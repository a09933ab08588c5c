"""--against DUMP: which records of a file would collide with the users of a Rocket.Chat
backup, or with an earlier record, read offline with the rules the import run applies."""

from app.client.report import Failure
from app.contract.identities import Holders, identity


class AgainstError(Exception):
    """The dump cannot be read; the message names the file and where."""


class Collisions:
    """A Failure for each valid record whose email, username or import id a user of the
    dump (or an earlier record of the file) holds, compared as the import run does; it
    sees the records the dry run checks, in one pass."""

    def __init__(self, dump_path, database=None):
        self.dump_path = dump_path
        self.holders = _users_of(dump_path, database)
        self.earlier, self.found = Holders([]), []

    def see(self, checked):
        """Look at one checked record of the file."""
        if checked.user is None:
            return  # the dry run reports its problem already
        held = identity(checked.user)
        reason = self.holders.conflict(held)
        if reason:
            self.found.append(Failure(checked.line, checked.raw, f"{reason} (in {self.dump_path})"))
            return
        taken = self.earlier.holder_of(held)
        if taken:
            field, value, line = taken
            reason = f"{field} already in use: {value} (by line {line} of this file)"
            self.found.append(Failure(checked.line, checked.raw, reason))
            return
        self.earlier.take(checked.line, held)


def _users_of(dump_path, database):
    # The dump reader (and bson) are loaded only for --against: main imports this module
    # only then.
    from app.dumps import DumpError, open_dump, rocketchat_database

    try:
        dump = open_dump(dump_path)
        chosen = rocketchat_database(dump, database)
        return Holders(user for _, user in dump.documents(chosen, only={"users"}))
    except DumpError as error:
        raise AgainstError(str(error)) from None
