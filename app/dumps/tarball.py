"""A tar (or tar.gz, as snap's backupdb makes) of a mongodump folder, read member by member.

Nothing is extracted: members are streamed from the tar; one whose path leaves the dump's
folder (absolute, `..`) or that is a link refuses the whole file.
"""

import tarfile
from pathlib import PurePosixPath

from app.dumps import framing, metadata
from app.dumps.base import Collection, Dump
from app.dumps.errors import DumpError
from app.dumps.source import open_file, read_small, wrap

_USTAR = slice(257, 262)
TOP = "dump"  # the database of files at the top of the tar, with no folder of their own


def matches(head):
    """Tell whether the first bytes (of a file, or of its gzip content) are a POSIX tar."""
    return head[_USTAR] == b"ustar"


class TarDump(Dump):
    """A tar of a mongodump folder: one pass lists it, one more streams the documents."""

    def __init__(self, path, gzipped):
        super().__init__(path)
        self.gzipped = gzipped
        self.kind = "tar.gz of a mongodump folder" if gzipped else "tar of a mongodump folder"
        self._catalog = None

    def databases(self):
        """Return the databases the members' folders name, their metadata read."""
        if self._catalog is None:
            catalog = {}
            for member, (database, name, role), tar in self._members():
                collection = catalog.setdefault(database, {}).setdefault(name, Collection(name))
                if role == "metadata":
                    with self._open_member(tar, member) as stream:
                        raw = read_small(stream, metadata.MAX_METADATA_BYTES, "the metadata")
                    collection.metadata = metadata.parse(raw, stream.name)
            self._catalog = catalog
        return self._catalog

    def documents(self, database, only=None):
        """Yield the documents of one database's `.bson` members, in the tar's order."""
        self.databases()
        for member, (found, name, role), tar in self._members():
            if found == database and role == "data" and (only is None or name in only):
                with self._open_member(tar, member) as stream:
                    for document in framing.documents(stream):
                        yield name, document

    def _members(self):
        # A plain tar is read by seeking over the members it skips; a gzipped one, whose
        # stream cannot seek, straight through.
        with open_file(self.path) as stream:
            tar, last = None, None
            try:
                if self.gzipped:
                    tar = tarfile.open(fileobj=stream, mode="r|")
                else:
                    tar = tarfile.open(self.path, mode="r:")
                with tar:
                    for member in tar:
                        last = member.name
                        found = self._classify(member)
                        if found and metadata.wanted(found[1]):
                            yield member, found, tar
            except tarfile.TarError as error:
                where = f" at offset {tar.offset:,}, after member {last!r}" if tar and last else ""
                raise DumpError(f"{self.path}: a damaged tar{where}: {error}") from None

    def _open_member(self, tar, member):
        return wrap(tar.extractfile(member), f"{self.path}:{member.name}")

    def _classify(self, member):
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise DumpError(
                f"{self.path}: tar member {member.name!r} escapes the dump's folder: the "
                "whole file is refused"
            )
        found = metadata.classify(path.name)
        if found is None or member.isdir():
            return None
        if not member.isfile():
            raise DumpError(
                f"{self.path}: tar member {member.name!r} is a link or a device, not a file: "
                "the whole file is refused"
            )
        parts = [part for part in path.parts if part not in ("", ".")]
        database = parts[-2] if len(parts) >= 2 else TOP
        return (database, *found)
