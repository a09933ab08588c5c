"""BSON documents back to back, as mongodump writes them: each one framed, then decoded alone."""

import struct

import bson
from bson.codec_options import CodecOptions
from bson.errors import InvalidBSON

from app.dumps.errors import DumpError

# Naive UTC datetimes, as pymongo hands them out and the service keeps them.
CODEC = CodecOptions(tz_aware=False)
MIN_DOCUMENT = 5  # an empty document: its length and its final 0x00
# BSON's 16 MiB limit, plus the slack the server allows its own internal documents.
MAX_DOCUMENT = 16 * 1024 * 1024 + 16 * 1024
TERMINATOR = -1  # 0xffffffff: ends a segment of an archive
_INT32 = struct.Struct("<i")


def read_length(stream, what):
    """Return the int32 that starts the next document (or a terminator), None at the end."""
    start = stream.offset
    head = stream.read(4)
    if not head:
        return None
    if len(head) < 4:
        raise DumpError(
            f"{stream.name}: truncated at offset {start:,}: {len(head)} stray bytes where "
            f"{what} should start"
        )
    return _INT32.unpack(head)[0]


def read_body(stream, length, what):
    """Return the whole document whose length was just read (the four length bytes again
    first), refusing a length that no BSON document can have."""
    start = stream.offset - 4
    if not MIN_DOCUMENT <= length <= MAX_DOCUMENT:
        raise DumpError(
            f"{stream.name}: at offset {start:,}: expected {what}, found a length of "
            f"{length:,} bytes, which no BSON document has"
        )
    rest = stream.read(length - 4)
    if len(rest) != length - 4:
        raise DumpError(
            f"{stream.name}: at offset {start:,}: {what} of {length:,} bytes runs past the "
            f"end of the file ({len(rest) + 4:,} bytes left)"
        )
    if rest[-1] != 0:
        raise DumpError(
            f"{stream.name}: at offset {start:,}: {what} of {length:,} bytes does not end "
            "with 0x00: the length is wrong or bytes were changed"
        )
    return _INT32.pack(length) + rest


def decode(stream, data, start, what="a document"):
    """Decode one framed document, naming the file and offset of one that is not BSON."""
    try:
        return bson.decode(data, codec_options=CODEC)
    except (InvalidBSON, ValueError, OverflowError) as error:
        raise DumpError(
            f"{stream.name}: at offset {start:,}: {what} is not valid BSON: {error}"
        ) from None


def documents(stream):
    """Yield every document of a `.bson` file (or member), one at a time."""
    while True:
        start = stream.offset
        length = read_length(stream, "a document")
        if length is None:
            return
        yield decode(stream, read_body(stream, length, "a document"), start)
