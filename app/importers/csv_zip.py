"""Rocket.Chat's `csv` importer: a zip holding users.csv, channels.csv and message files."""

import posixpath
from collections.abc import Iterator
from functools import partial

from app.contract import files
from app.importers.base import (
    HEAD_BYTES,
    PREPARING_CHANNELS,
    PREPARING_MESSAGES,
    PREPARING_USERS,
    Channels,
    FileImporter,
    ImportFileError,
    Messages,
    Step,
    Users,
)
from app.importers.rows import UTF8_BOM, batches, expect, records
from app.importers.slack_users import is_member_list_header
from app.importers.zipcheck import DAMAGE, ZIP_MAGIC, MeteredEntry, damaged, open_zip

WHAT = "this importer reads a .zip file holding users.csv"
USERS, CHANNELS, DIRECT = "users.csv", "channels.csv", "directmessages"
USER_COLUMNS = ("username", "email", "name")
CHANNEL_COLUMNS = ("name", "creator", "private", "members")
MESSAGE_COLUMNS = ("username", "ts", "text")
DIRECT_COLUMNS = ("from", "to", "ts", "text")
# Every direct message of the zip belongs to this one channel entry, as in Rocket.Chat.
DIRECT_CHANNEL = {
    "importIds": ["__directMessages__"],
    "name": "__directMessages__",
    "isPrivate": True,
    "members": [],
    "isDirect": True,
}


class CsvZipImporter(FileImporter):
    """Read a zip of headerless CSVs: users.csv, channels.csv, <channel>/<file>."""

    key = "csv"
    name = "CSV"
    counter = "CSV_Importer_Count"

    def check_head(self, head):
        """Refuse a spreadsheet, and a file that does not start like a zip (saying where
        it goes if it is text)."""
        kind = files.kind_of(head)
        if kind in files.SPREADSHEETS:
            raise ImportFileError(f"{WHAT}; {files.spreadsheet(kind)}")
        if not head.startswith(ZIP_MAGIC):
            raise ImportFileError(f"{WHAT}; the file is not a zip{_where_it_goes(head)}")

    def prepare(self, file, limits, batch_size=500):
        """Yield the events of reading the zip entry by entry, each entry row by row."""
        self.check_head(file.read(HEAD_BYTES))
        with open_zip(file, limits) as archive:
            infos = [info for info in archive.infolist() if kind_of(info) is not None]
            _check_users_entry(infos)
            reading = _Reading(archive, limits, batch_size)
            for info in infos:
                yield from reading.entry(info)
        if not reading.users:
            raise ImportFileError(f"{USERS} holds no user: each row is {', '.join(USER_COLUMNS)}")


def _where_it_goes(head):
    """Return where a text file sent here goes: the slack-users importer, or the users-file
    path; nothing for a file that is not text."""
    first = head.partition(b"\n")[0].removeprefix(UTF8_BOM)
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if not text.strip() or any(c < " " and c not in "\t\r" for c in text):
        return ""
    if is_member_list_header(text.split(",")):
        return ": it looks like Slack's member list, which goes to the slack-users importer"
    return f": {files.USERS_FILE_PATH}"


class _Reading:
    """What reading one zip has met so far: its step, users, unpacked bytes, direct messages."""

    def __init__(self, archive, limits, batch_size):
        self.archive, self.limits, self.batch_size = archive, limits, batch_size
        self.step, self.users, self.spent, self.direct = None, 0, 0, False

    def entry(self, info):
        """Yield the events of one entry, announcing its step when it is a new one."""
        kind = kind_of(info)
        if STEPS[kind] != self.step:
            self.step = STEPS[kind]
            yield Step(self.step)
        if kind == "direct" and not self.direct:
            self.direct = True
            yield Channels([dict(DIRECT_CHANNEL)])
        with _open(self.archive, info) as raw:
            metered = MeteredEntry(raw, info, self.limits, self.spent)
            for event in READERS[kind](metered, info.filename, self.batch_size):
                self.users += len(event.records) if isinstance(event, Users) else 0
                yield event
        self.spent = metered.spent


def kind_of(info) -> str | None:
    """Return what a zip entry holds (users, channels, messages, direct), or None to skip it."""
    lower = info.filename.lower()
    base = posixpath.basename(lower)
    # Finder adds __MACOSX/ and .DS_Store files; neither is part of the export.
    if info.is_dir() or lower.startswith("__macosx/") or not base or base.startswith("."):
        return None
    if "/" in lower:
        return "direct" if lower.split("/", 1)[0] == DIRECT else "messages"
    return {USERS: "users", CHANNELS: "channels"}.get(lower)


def _check_users_entry(infos):
    names = [info.filename for info in infos]
    if any(kind_of(info) == "users" for info in infos):
        return
    if any(name in files.XLSX_MARKS or name.startswith("xl/") for name in names):
        raise ImportFileError(f"{WHAT}; {files.spreadsheet('xlsx')}")
    nested = next((name for name in names if name.lower().endswith("/" + USERS)), None)
    hint = f" (it has {nested}: zip the files themselves, not their folder)" if nested else ""
    raise ImportFileError(f"the zip holds no {USERS} at its root{hint}")


def _open(archive, info):
    try:
        return archive.open(info)
    except (RuntimeError, *DAMAGE) as err:
        raise damaged(err, f"the zip entry {info.filename}") from None


def read_users(entry, source, batch_size) -> Iterator[Users]:
    """Yield batches of the user records of users.csv (a first row of column names skipped)."""
    rows = (
        _user(source, line, row)
        for line, row in records(entry, source)
        if not (line == 1 and _is_header(row))
    )
    yield from (Users(batch) for batch in batches(rows, batch_size))


def _is_header(row):
    # Rocket.Chat would import a user "username" whose address is "email".
    return tuple(value.strip().lower() for value in row) == USER_COLUMNS


def _user(source, line, row):
    username, email, name = expect(source, line, row, USER_COLUMNS)
    for column, value in (("username", username), ("email", email)):
        if not value:
            raise ImportFileError(f"{source} line {line}: the {column} is empty")
    return {
        "type": "user",
        "importIds": [username],
        "emails": [email],
        "username": username,
        "name": name,
    }


def read_channels(entry, source, batch_size) -> Iterator[Channels]:
    """Yield batches of the channel records of channels.csv."""
    rows = (_channel(source, line, row) for line, row in records(entry, source))
    yield from (Channels(batch) for batch in batches(rows, batch_size))


def _channel(source, line, row):
    name, creator, private, members = expect(source, line, row, CHANNEL_COLUMNS)
    if not name:
        raise ImportFileError(f"{source} line {line}: the channel name is empty")
    return {
        "importIds": [name],
        "name": name,
        "creator": creator,
        "isPrivate": private.lower() == "private",
        "members": [member.strip() for member in members.split(";") if member.strip()],
        "isDirect": False,
    }


def read_messages(entry, source, batch_size, columns=MESSAGE_COLUMNS) -> Iterator[Messages]:
    """Yield the number of messages of a channel's message file, a batch at a time."""
    rows = (expect(source, line, row, columns) for line, row in records(entry, source))
    yield from (Messages(len(batch)) for batch in batches(rows, batch_size))


READERS = {
    "users": read_users,
    "channels": read_channels,
    "messages": read_messages,
    "direct": partial(read_messages, columns=DIRECT_COLUMNS),
}
STEPS = {
    "users": PREPARING_USERS,
    "channels": PREPARING_CHANNELS,
    "messages": PREPARING_MESSAGES,
    "direct": PREPARING_MESSAGES,
}
