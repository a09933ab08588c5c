"""`mongodump --archive` (plain or --gzip): every database in one stream, segments interleaved.

archive = magic header *collection-metadata terminator *(segment | eof), each part a BSON
document; a segment holds documents of one namespace up to a terminator, and each
namespace's EOF carries the CRC-64 of all its documents' bytes.
"""

from app.dumps import crc64, framing, metadata, terminal
from app.dumps.base import Collection, Dump
from app.dumps.errors import DumpError
from app.dumps.source import open_file

MAGIC = b"\x6d\xe2\x99\x81"  # 0x8199e26d, little-endian


def matches(head):
    """Tell whether the first bytes (of a file, or of its gzip content) are an archive."""
    return head[:4] == MAGIC


class ArchiveDump(Dump):
    """A mongodump archive file, read straight through: its prelude, then its segments."""

    def __init__(self, path, gzipped):
        super().__init__(path)
        self.kind = "gzipped mongodump archive" if gzipped else "mongodump archive"
        self._namespaces = None

    def databases(self):
        """Return the collections the archive's prelude lists (its documents unread)."""
        if self._namespaces is None:
            with open_file(self.path) as stream:
                self._namespaces = self._guarded(_prelude, stream)
        catalog = {}
        for (database, name), collection in self._namespaces.items():
            if metadata.wanted(name):
                catalog.setdefault(database, {})[name] = collection
        return catalog

    def documents(self, database, only=None):
        """Yield the documents of one database; check every namespace's CRC and EOF (the
        documents of other namespaces, and of those not in only, are framed, not decoded)."""
        with open_file(self.path) as stream:
            namespaces = self._guarded(_prelude, stream)
            body = _Body(stream, namespaces, database, only)
            try:
                yield from body.documents()
            except DumpError as error:
                raise terminal.with_hint(error, self.path) from None

    def _guarded(self, read, stream):
        try:
            return read(stream)
        except DumpError as error:
            raise terminal.with_hint(error, self.path) from None


def _prelude(stream):
    """Read the magic number, the header and the collections' metadata up to the terminator."""
    magic = stream.read_exact(4, "the archive's magic number")
    if magic != MAGIC:
        raise DumpError(f"{stream.name}: at offset 0: expected the archive magic 6d e2 99 81")
    start = stream.offset
    length = framing.read_length(stream, "the archive header")
    if length is None or length == framing.TERMINATOR:
        raise DumpError(f"{stream.name}: at offset {start:,}: expected the archive header")
    framing.decode(stream, framing.read_body(stream, length, "the archive header"), start)
    namespaces = {}
    while True:
        start = stream.offset
        what = "a collection's metadata or the terminator"
        length = framing.read_length(stream, what)
        if length is None:
            raise DumpError(
                f"{stream.name}: truncated at offset {start:,}: the archive ends in its list "
                "of collections"
            )
        if length == framing.TERMINATOR:
            return namespaces
        data = framing.read_body(stream, length, "a collection's metadata")
        entry = framing.decode(stream, data, start, "a collection's metadata")
        database, name = _namespace_of(stream, entry, start, "a collection's metadata")
        where = f"{stream.name}: at offset {start:,}: {database}.{name}"
        text = entry.get("metadata")
        meta = metadata.parse(text, where) if isinstance(text, str) and text else {}
        meta.setdefault("type", entry.get("type") or "collection")
        namespaces[database, name] = Collection(name, meta)


def _namespace_of(stream, document, start, what):
    database, name = document.get("db"), document.get("collection")
    if not (isinstance(database, str) and isinstance(name, str) and name):
        raise DumpError(
            f"{stream.name}: at offset {start:,}: expected {what} ({{db, collection, ...}}), "
            f"found a document with {sorted(document)[:6]}"
        )
    return database, name


class _Body:
    """The segments after the prelude: documents framed, CRCs summed, EOFs checked."""

    def __init__(self, stream, namespaces, database, only):
        self.stream, self.namespaces, self.database = stream, namespaces, database
        self.only = only
        self.crcs, self.ended = {}, set()

    def documents(self):
        stream = self.stream
        while True:
            start = stream.offset
            length = framing.read_length(stream, "a segment header")
            if length is None:
                break
            if length == framing.TERMINATOR:
                raise DumpError(
                    f"{stream.name}: at offset {start:,}: expected a segment header, found "
                    "a terminator (0xffffffff)"
                )
            data = framing.read_body(stream, length, "a segment header")
            header = framing.decode(stream, data, start, "a segment header")
            namespace = _namespace_of(stream, header, start, "a segment header")
            if namespace in self.ended:
                raise DumpError(
                    f"{stream.name}: at offset {start:,}: a segment of {'.'.join(namespace)} "
                    "after its EOF"
                )
            if header.get("EOF"):
                self._end(namespace, header.get("CRC") or 0, start)
            else:
                yield from self._segment(namespace)
        self._require_every_eof()

    def _segment(self, namespace):
        stream, label = self.stream, ".".join(namespace)
        crc = self.crcs.get(namespace, 0)
        database, name = namespace
        decoded = database == self.database and metadata.wanted(name)
        decoded = decoded and (self.only is None or name in self.only)
        while True:
            start = stream.offset
            length = framing.read_length(stream, f"a document of {label} or the terminator")
            if length is None:
                raise DumpError(
                    f"{stream.name}: truncated at offset {start:,}: the archive ends inside a "
                    f"segment of {label}"
                )
            if length == framing.TERMINATOR:
                break
            data = framing.read_body(stream, length, f"a document of {label}")
            crc = crc64.update(data, crc)
            if decoded:
                yield name, framing.decode(stream, data, start, f"a document of {label}")
        self.crcs[namespace] = crc

    def _end(self, namespace, stored, start):
        stream, label = self.stream, ".".join(namespace)
        computed = self.crcs.get(namespace, 0)
        if stored & crc64.MASK != computed:
            raise DumpError(
                f"{stream.name}: at offset {start:,}: wrong CRC-64 for {label}: its EOF says "
                f"{stored & crc64.MASK:#018x}, its documents give {computed:#018x}: bytes "
                "were changed or lost"
            )
        after = stream.offset
        if framing.read_length(stream, f"the terminator after the EOF of {label}") != -1:
            raise DumpError(
                f"{stream.name}: at offset {after:,}: expected the terminator (0xffffffff) "
                f"after the EOF of {label}"
            )
        self.ended.add(namespace)

    def _require_every_eof(self):
        missing = [
            ".".join(ns)
            for ns, collection in self.namespaces.items()
            if collection.has_documents and ns not in self.ended
        ]
        if missing:
            raise DumpError(
                f"{self.stream.name}: truncated at offset {self.stream.offset:,}: the archive "
                f"ends before the end (EOF) of {', '.join(missing[:5])}"
                + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            )
