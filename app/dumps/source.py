"""A file of a dump opened for reading, through gzip when its bytes say so, with clear errors."""

import gzip
import tarfile
import zlib

from app.dumps.errors import DumpError

GZIP_MAGIC = b"\x1f\x8b"


class Stream:
    """A binary stream that counts what it has read and names its file in every error."""

    def __init__(self, raw, name, gzipped=False):
        self.name, self.gzipped, self.offset = name, gzipped, 0
        self._raw = raw
        self._file = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw

    def read(self, size):
        """Return up to size bytes (fewer only at the end)."""
        try:
            data = self._file.read(size)
        except EOFError:
            raise DumpError(
                f"{self.name}: the gzip stream stops short after {self.offset:,} bytes of "
                "data (its end marker is missing): the file is incomplete"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as error:
            raise DumpError(
                f"{self.name}: corrupt gzip data after {self.offset:,} bytes: {error}"
            ) from None
        except tarfile.TarError as error:  # a member cut short inside its tar
            raise DumpError(f"{self.name}: at offset {self.offset:,}: {error}") from None
        self.offset += len(data)
        return data

    def read_exact(self, size, what):
        """Return exactly size bytes, or raise naming what was cut off and where."""
        start = self.offset
        data = self.read(size)
        if len(data) != size:
            raise DumpError(
                f"{self.name}: truncated at offset {start + len(data):,}: {what} needs "
                f"{size:,} bytes from offset {start:,}, only {len(data):,} remain"
            )
        return data

    def close(self):
        """Close the stream and the file under it."""
        self._file.close()
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_file(path, name=None):
    """Open a file of a dump, decompressing it when it starts with gzip's magic."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 (closed by the Stream)
    except OSError as error:
        raise DumpError(f"{name or path}: cannot be read: {error.strerror}") from None
    return wrap(raw, name or str(path))


def wrap(raw, name):
    """Return a Stream over a seekable or peekable binary file, gzip sniffed from its bytes."""
    head = _peek(raw, 2)
    return Stream(raw, name, gzipped=head == GZIP_MAGIC)


def head_of(path, size=512):
    """Return the first bytes of a file, and of its content when it is gzipped."""
    with open_file(path) as stream:
        return stream.read(size), stream.gzipped


def _peek(raw, size):
    if hasattr(raw, "peek"):
        return raw.peek(size)[:size]
    position = raw.tell()
    data = raw.read(size)
    raw.seek(position)
    return data


def read_small(stream, limit, what):
    """Return a whole small member (metadata), refusing one larger than limit."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DumpError(f"{stream.name}: {what} is larger than {limit:,} bytes")
    return data
