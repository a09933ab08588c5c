"""Input files of users, read one record at a time with the line it starts on.

Formats: a CSV with a header row, Rocket.Chat's own header-less `users.csv`
(`username,email,name`), a JSON array, or JSON Lines; UTF-8, with or without a BOM.
"""

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from app.client.jsonarray import JsonSyntaxError, iter_array
from app.client.utf8 import first_bad_byte
from app.contract import files
from app.contract.columns import COLUMNS, LIST_FIELDS, ROCKETCHAT_COLUMNS
from app.contract.rules import REQUIRED_LISTS

FORMATS = ("auto", "csv", "rocketchat-csv", "json", "jsonl")
# What to do with a zip (kind_of's "zip") or a spreadsheet instead of a file of users.
ZIP_TO_IMPORTER = (
    "the file is a zip: a zip holding users.csv goes to the server's csv importer,"
    " add --importer csv"
)


class InputError(Exception):
    """The file cannot be read to the end (encoding, quoting, structure); `line` says where."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


@dataclass
class Record:
    """One record of the file: the user's fields as read, or why the line is not a user."""

    line: int
    user: object = None
    problem: str | None = None


@dataclass
class Source:
    """A file of users and how to read it; every call of records() reads it anew."""

    path: Path
    fmt: str = "auto"
    separator: str = ";"
    delimiter: str = ","

    def records(self):
        """Yield each Record of the file, in order; raise InputError where it cannot go on."""
        self._refuse_other_files()
        try:
            fmt = self.format()
            with open(self.path, encoding="utf-8-sig", newline="") as stream:
                reader = {"json": _json_array, "jsonl": _json_lines}.get(fmt, self._csv)
                yield from reader(stream, fmt)
        except UnicodeDecodeError as error:
            raise self._not_utf8(error) from None

    def _refuse_other_files(self):
        # A zip or a spreadsheet is no text: say where it goes rather than "not UTF-8".
        with open(self.path, "rb") as stream:
            kind = files.kind_of(stream.read(files.HEAD_BYTES))
        if kind == "zip":
            raise InputError(None, ZIP_TO_IMPORTER)
        if kind:
            raise InputError(None, files.spreadsheet(kind))

    def _not_utf8(self, error):
        # The decoder failed somewhere in a chunk: find the exact line and column.
        found = first_bad_byte(self.path)
        if found is None:
            return InputError(None, f"not UTF-8 text ({error.reason})")
        line, column, byte = found
        return InputError(line, files.not_utf8(byte, column))

    def format(self):
        """Return the file's format: the one asked for, else guessed from its name and start."""
        if self.fmt != "auto":
            return self.fmt
        suffix = self.path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        if suffix == ".json":
            with open(self.path, encoding="utf-8-sig") as stream:
                start = stream.read(4096).lstrip()
            return "json" if start.startswith("[") else "jsonl"
        return "csv"  # with or without a header row: the first row tells

    def _csv(self, stream, fmt):
        rows = _csv_rows(stream, self.delimiter)
        first = next(rows, None)
        if first is None:
            return
        line, cells = first
        guess = self.fmt == "auto" and not _looks_like_header(cells)
        if fmt == "rocketchat-csv" or guess:
            yield _rocketchat_user(line, cells)
            yield from (_rocketchat_user(line, cells) for line, cells in rows)
            return
        header = _header(cells)
        split = re.compile("[" + re.escape(self.separator) + "]") if self.separator else None
        for line, cells in rows:
            yield _header_user(line, header, cells, split)


def _csv_rows(stream, delimiter):
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(start, f"not valid CSV ({error})") from None
        if any(cell.strip() for cell in cells):  # blank lines are skipped
            yield start, cells
        start = reader.line_num + 1


def _canonical(cell):
    return re.sub(r"[\s_-]", "", cell).casefold()


def _looks_like_header(cells):
    return any(_canonical(cell) in COLUMNS for cell in cells)


def _header(cells):
    fields = []
    for position, cell in enumerate(cells, start=1):
        field = COLUMNS.get(_canonical(cell))
        if field is None:
            known = ", ".join(dict.fromkeys(COLUMNS.values()))
            raise InputError(1, f"column {position} {cell.strip()!r} is not a user field ({known})")
        if field in fields and field not in LIST_FIELDS:
            raise InputError(1, f"column {cell.strip()!r} appears twice")
        fields.append(field)
    return fields


def _header_user(line, header, cells, split):
    problem = None
    if len(cells) > len(header):
        # Still read the cells that have a column, so that the report can tell who it is.
        problem = f"{len(cells)} values for {len(header)} columns"
    user = {name: [] for name in header if name in REQUIRED_LISTS}
    for field, cell in zip(header, cells, strict=False):  # missing cells are empty
        value = cell if field == "password" else cell.strip()
        if field in LIST_FIELDS:
            pieces = [p.strip() for p in (split.split(value) if split else [value])]
            if any(pieces):
                user.setdefault(field, []).extend(p for p in pieces if p)
        elif value:
            user[field] = value
    return Record(line, user, problem)


def _rocketchat_user(line, cells):
    # Rocket.Chat's CSV importer: the username is also the user's import id.
    if len(cells) < len(ROCKETCHAT_COLUMNS):
        expected = ",".join(ROCKETCHAT_COLUMNS)
        return Record(line, problem=f"{len(cells)} values where {expected} are expected")
    username, email, name = (cell.strip() for cell in cells[:3])
    user = {"type": "user", "importIds": [username], "emails": [email], "username": username}
    return Record(line, {**user, "name": name})


def _json_array(stream, fmt):
    try:
        for line, item in iter_array(stream):
            yield Record(line, item)
    except JsonSyntaxError as error:
        raise InputError(error.line, f"not a JSON array ({error})") from None


def _json_lines(stream, fmt):
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            yield Record(line, json.loads(text))
        except json.JSONDecodeError as error:
            yield Record(line, problem=f"not JSON ({error.msg} at column {error.pos + 1})")
