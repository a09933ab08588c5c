"""Rocket.Chat's `slack-users` importer: Slack's "Export member list" CSV."""

import csv
import re
from collections.abc import Iterator

from app.contract import files
from app.contract.columns import COLUMNS as USERS_FILE_COLUMNS
from app.importers.base import (
    HEAD_BYTES,
    PREPARING_USERS,
    FileImporter,
    ImportFileError,
    Step,
    Users,
)
from app.importers.rows import UTF8_BOM, UTF16_BOMS, batches, buffered, records, separator_hint
from app.importers.zipcheck import ZIP_MAGIC

SOURCE = "the member list"
SLACK_HEADER = (
    "username,email,status,billing-active,has-2fa,has-sso,userid,fullname,displayname,"
    "expiration-timestamp"
)
# The values Rocket.Chat reads (columns 0, 1, 2, 7 and 8 of Slack's header), found by name.
COLUMNS = ("username", "email", "status", "fullname", "displayname")
REQUIRED = ("email", "username")
# What a Slack status becomes; every other status (Owner, Member, guests) is a plain user.
STATUSES = {
    "admin": {"roles": ["admin"]},
    "bot": {"roles": ["bot"], "type": "bot"},
    "deactivated": {"deleted": True},
}
WHAT = "this importer reads Slack's member list, a .csv file"
# A users file's columns that Slack's member list never has (compared as the users file's
# reader compares them): a header naming one is a users file, refused before any row.
USERS_FILE_ONLY = frozenset(USERS_FILE_COLUMNS) - {"username", "email"}


class SlackUsersImporter(FileImporter):
    """Read Slack's member list: a header row, then one user per row, known by e-mail."""

    key = "slack-users"
    name = "Slack_Users"
    counter = "Slack_Users_Importer_Count"

    def check_head(self, head):
        """Refuse a spreadsheet, a zip, a binary file or a users file's header."""
        kind = files.kind_of(head)
        if kind in files.SPREADSHEETS:
            raise ImportFileError(f"{WHAT}; {files.spreadsheet(kind)}")
        if head.startswith(ZIP_MAGIC):
            raise ImportFileError(f"{WHAT}; the file is a zip (a zip goes to the CSV importer)")
        if head.startswith(UTF16_BOMS):
            raise ImportFileError(f"{WHAT}; the file is UTF-16 text, save it as CSV UTF-8")
        if b"\x00" in head:
            raise ImportFileError(f"{WHAT}; the file is binary (it holds NUL bytes)")
        header = _first_row(head)
        if header is not None:
            _refuse_a_users_file(1, header)

    def prepare(self, file, limits, batch_size=500):
        """Yield the events of reading the member list row by row."""
        self.check_head(file.read(HEAD_BYTES))
        file.seek(0)
        yield Step(PREPARING_USERS)
        rows = records(buffered(file), SOURCE)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(
                f"{SOURCE} is empty: it should start with Slack's header {SLACK_HEADER}"
            )
        columns = _columns(*header)
        users = _users(rows, columns, len(header[1]))
        found = 0
        for batch in batches(users, batch_size):
            found += len(batch)
            yield Users(batch)
        if not found:
            raise ImportFileError(f"{SOURCE} holds no user with an e-mail address")


def _first_row(head):
    """Return the values of the first row of a file's head, or None if it cannot tell."""
    first, newline, _ = head.partition(b"\n")
    try:
        text = first.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None  # the preparation names the line and the byte
    if not newline and len(head) >= HEAD_BYTES:
        return None  # a first line longer than the head
    return next(csv.reader([text]), None)


def is_member_list_header(values):
    """Tell whether a row is the header of Slack's member list."""
    names = {value.strip().lower() for value in values}
    return {"username", "email", "status"} <= names and bool(names & {"userid", "fullname"})


def _refuse_a_users_file(line, header):
    found = [v.strip() for v in header if re.sub(r"[\s_-]", "", v).casefold() in USERS_FILE_ONLY]
    if found:
        raise ImportFileError(
            f"{SOURCE} line {line}: the header names {', '.join(found)}, columns of a users"
            f" file, not of Slack's member list ({SLACK_HEADER}); {files.USERS_FILE_PATH}"
        )


def _columns(line, header):
    """Return where each value is, from the names of the header row (None: not there)."""
    _refuse_a_users_file(line, header)
    names = [name.strip().lower() for name in header]
    for required in REQUIRED:
        if required not in names:
            raise ImportFileError(
                f"{SOURCE} line {line}: the header has no {required} column; Slack's member"
                f" list starts with {SLACK_HEADER}{separator_hint(header)}"
            )
    return {key: names.index(key) if key in names else None for key in COLUMNS}


def _users(rows, columns, width) -> Iterator[dict]:
    for line, row in rows:
        if len(row) != width:
            raise ImportFileError(
                f"{SOURCE} line {line}: {len(row)} values where the header has {width}"
            )
        values = {key: "" if at is None else row[at].strip() for key, at in columns.items()}
        # Rocket.Chat drops a member without an address: it is the import id.
        if values["email"]:
            yield _user(values)


def _user(values):
    email, username = values["email"], values["username"]
    user = {
        "type": "user",
        "importIds": [email],
        "emails": [email],
        "username": username,
        "name": values["fullname"] or values["displayname"] or username,
    }
    user.update(STATUSES.get(values["status"].lower(), {}))
    return user
