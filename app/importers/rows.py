"""CSV rows read as a stream: UTF-8 per physical line, a BOM accepted, every error with its line."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

from app.contract.files import SAVE_AS_UTF8, not_utf8
from app.importers.base import ImportFileError

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# One physical line may not be longer than this: a file with no line breaks would
# otherwise be read whole into memory.
MAX_LINE_BYTES = 1 << 20
READ_BUFFER_BYTES = 1 << 16


class LineSource(Protocol):
    """A binary stream that can be read a line at a time."""

    def readline(self, size: int = -1, /) -> bytes:
        """Return the next line, at most `size` bytes."""


class _RawReader(io.RawIOBase):
    """A readable binary file seen as a raw stream, so that io.BufferedReader can wrap it."""

    def __init__(self, file: BinaryIO):
        self.file = file

    def readable(self) -> bool:
        """Tell io that this stream reads."""
        return True

    def readinto(self, buffer) -> int:
        """Fill `buffer` from the file; return the byte count (0 at its end)."""
        data = self.file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def buffered(file: BinaryIO) -> io.BufferedReader:
    """Return `file` read through a 64 KiB buffer: a GridFS file has no readline of its own,
    and io's fallback reads it one byte at a time (30,000 rows took 13 s instead of 3)."""
    return io.BufferedReader(_RawReader(file), READ_BUFFER_BYTES)


def text_lines(raw: LineSource, source: str) -> Iterator[str]:
    """Yield the decoded physical lines of `raw`, raising ImportFileError with the line number."""
    number = 0
    while line := raw.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            # A file whose lines end with a lone CR (old Mac style) reads as one long line.
            hint = f" (its lines end with a lone carriage return); {SAVE_AS_UTF8}"
            raise ImportFileError(
                f"{source} line {number}: the line is longer than {MAX_LINE_BYTES} bytes"
                + (hint if b"\r" in line else "")
            )
        if number == 1:
            line = _first_line(line, source)
        yield _decoded(line, source, number)


def _first_line(line, source):
    if line.startswith(UTF16_BOMS):
        raise ImportFileError(
            f"{source} is UTF-16 text (Excel's 'Unicode Text'), not UTF-8; {SAVE_AS_UTF8}"
        )
    # Excel's "CSV UTF-8" starts with a byte-order mark, which Rocket.Chat keeps in the first value.
    return line.removeprefix(UTF8_BOM)


def _decoded(line, source, number):
    if b"\x00" in line:
        raise ImportFileError(
            f"{source} line {number}: a NUL byte; the file is not text (or is UTF-16):"
            f" {SAVE_AS_UTF8}"
        )
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as err:
        column = len(line[: err.start].decode("utf-8")) + 1
        raise ImportFileError(
            f"{source} line {number}: {not_utf8(line[err.start], column)}"
        ) from None


def records(raw: LineSource, source: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, values) of every CSV record of `raw` that is not blank."""
    lines = text_lines(raw, source)
    reader = csv.reader(lines, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise ImportFileError(f"{source} line {start}: {_explained(err)}") from None
        # Excel writes an empty row as a line of commas: nothing to read there.
        if any(value.strip() for value in row):
            yield start, row


def _explained(err):
    text = str(err)
    if "field larger than field limit" in text:
        return (
            f"a value is longer than {csv.field_size_limit()} characters;"
            ' most likely a quote (") opens a value that is never closed'
        )
    if "unexpected end of data" in text:
        return 'a quote (") opens a value that is never closed'
    if "expected after" in text:
        return 'a quote (") inside a value must be doubled ("") and the value quoted'
    if "new-line character seen in unquoted field" in text:
        return "a lone carriage return inside a value (old Mac line endings?); " + SAVE_AS_UTF8
    return f"the row is not valid CSV ({text})"


def expect(source: str, line: int, row: list[str], columns: tuple[str, ...]) -> list[str]:
    """Return the trimmed values of `row`, raising ImportFileError unless it has `columns`."""
    if len(row) != len(columns):
        values = "1 value" if len(row) == 1 else f"{len(row)} values"
        raise ImportFileError(
            f"{source} line {line}: {values} where {len(columns)} are expected"
            f" ({', '.join(columns)}){separator_hint(row)}"
        )
    return [value.strip() for value in row]


def separator_hint(row: list[str]) -> str:
    """Return a hint when a row of one value looks separated by ';' or tabs, else ''."""
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(row) == 1 and separator in row[0]:
            return (
                f"; the values are separated by {name}, not commas: save the file as"
                " 'CSV UTF-8 (Comma delimited)'"
            )
    return ""


def batches(items: Iterable, size: int) -> Iterator[list]:
    """Yield lists of at most `size` consecutive items."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
