"""A zip opened as hostile input: entry names, counts, declared and inflated sizes checked."""

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from app.importers.base import FileLimits, ImportFileError
from app.importers.names import escape_reason

# Below this many unpacked bytes an entry is too small to harm, whatever its ratio
# (a short CSV of repeated values compresses far better than a real one).
RATIO_GRACE_BYTES = 1 << 20
READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
# What a damaged zip raises while it is read.
DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
REMAKE = "create the zip again and upload it again"

_EOCD, _EOCD64, _LOCATOR64 = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"
_ENTRY = b"PK\x01\x02"


def damaged(err: Exception, where: str = "the zip") -> ImportFileError:
    """Return the error for a zip that cannot be read."""
    return ImportFileError(f"{where} is damaged and cannot be read ({err}); {REMAKE}")


@contextmanager
def open_zip(file: BinaryIO, limits: FileLimits) -> Iterator[zipfile.ZipFile]:
    """Open `file` as a zip whose every entry passed the checks, or raise ImportFileError."""
    entries = count_entries(file, limits.max_entries)
    if entries is not None and entries > limits.max_entries:
        raise _too_many(limits)
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except DAMAGE as err:
        raise damaged(err) from None
    with archive:
        check_entries(archive.infolist(), limits)
        yield archive


def count_entries(file: BinaryIO, stop: int) -> int | None:
    """Return how many entries the central directory holds (counting at most stop + 1).

    The directory is scanned, not parsed: zipfile would build an object per entry
    before any count could be checked. None when the end record cannot be found.
    """
    end = _end_record(file)
    if end is None:
        return None
    start, size = end
    file.seek(start)
    count, left = 0, size
    while left >= 46 and count <= stop:
        header = file.read(46)
        if len(header) < 46 or not header.startswith(_ENTRY):
            return count
        extra = sum(int.from_bytes(header[at : at + 2], "little") for at in (28, 30, 32))
        file.seek(extra, 1)
        left -= 46 + extra
        count += 1
    return count


def _end_record(file):
    """Return (start, size) of the central directory from the end record(s), or None."""
    file.seek(0, 2)
    length = file.tell()
    file.seek(max(0, length - (1 << 16) - 22))
    tail = file.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    size = int.from_bytes(tail[at + 12 : at + 16], "little")
    end = length - len(tail) + at
    locator = tail[at - 20 : at] if at >= 20 else b""
    if locator.startswith(_LOCATOR64):
        file.seek(int.from_bytes(locator[8:16], "little"))
        record = file.read(56)
        if record.startswith(_EOCD64):
            size = int.from_bytes(record[40:48], "little")
            end = int.from_bytes(locator[8:16], "little")
    return (end - size, size) if size <= end else None


def check_entries(infos: list[zipfile.ZipInfo], limits: FileLimits) -> None:
    """Raise ImportFileError for an escaping, encrypted or unreadable entry, or a declared bomb."""
    if len(infos) > limits.max_entries:
        raise _too_many(limits)
    for info in infos:
        if reason := escape_reason(info.orig_filename):
            raise ImportFileError(
                f"the zip entry {info.orig_filename!r} is refused: {reason}"
                "; an entry's name must be printable and stay inside the zip's folder"
            )
        if info.flag_bits & 0x1:
            raise ImportFileError(
                f"the zip entry {info.filename} is encrypted; send a zip without a password"
            )
        if info.compress_type not in READABLE:
            raise ImportFileError(
                f"the zip entry {info.filename} uses a compression method this service cannot"
                f" read (method {info.compress_type}); {REMAKE} with plain deflate compression"
            )
        check_ratio(info, info.file_size, limits, declared=True)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_unpacked_bytes:
        raise _too_big(limits, f"its entries declare {declared} bytes,")


def check_ratio(info: zipfile.ZipInfo, unpacked: int, limits: FileLimits, declared=False):
    """Raise ImportFileError if `unpacked` bytes of the entry are more than its ratio allows."""
    if unpacked > RATIO_GRACE_BYTES and unpacked > limits.max_ratio * max(info.compress_size, 1):
        how = f"declare {unpacked} unpacked" if declared else f"unpack to more than {unpacked}"
        raise ImportFileError(
            f"the zip entry {info.filename} is refused as a zip bomb: its {info.compress_size}"
            f" packed bytes {how} (more than {limits.max_ratio} times their size, the limit)"
        )


def _too_many(limits):
    return ImportFileError(f"the zip holds more than {limits.max_entries} entries, the limit")


def _too_big(limits, how):
    return ImportFileError(
        f"the zip is refused as a zip bomb: {how} more than the limit of"
        f" {limits.max_unpacked_bytes} unpacked bytes"
    )


class MeteredEntry:
    """An entry's stream that counts the bytes actually inflated against the limits."""

    def __init__(self, raw, info: zipfile.ZipInfo, limits: FileLimits, spent: int):
        self._raw, self._info, self._limits = raw, info, limits
        self.read_bytes, self.spent = 0, spent

    def readline(self, size: int = -1) -> bytes:
        """Return the next line of the entry, raising ImportFileError past a limit."""
        try:
            line = self._raw.readline(size)
        except DAMAGE as err:
            raise damaged(err, f"the zip entry {self._info.filename}") from None
        self.read_bytes += len(line)
        self.spent += len(line)
        check_ratio(self._info, self.read_bytes, self._limits)
        if self.spent > self._limits.max_unpacked_bytes:
            raise _too_big(self._limits, "its entries unpack to")
        return line
