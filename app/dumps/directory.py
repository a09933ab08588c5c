"""`mongodump --out DIR` (plain or --gzip): DIR/<db>/<collection>.bson and .metadata.json."""

from pathlib import Path

from app.dumps import framing, metadata
from app.dumps.base import Collection, Dump
from app.dumps.errors import DumpError
from app.dumps.mongoexport import MongoexportDump, looks_like_mongoexport
from app.dumps.source import open_file, read_small

PRELUDE = "prelude.json"  # mongodump's note of the versions: not a collection


class DirectoryDump(Dump):
    """A mongodump folder: the top folder (one sub-folder per database) or one database's."""

    kind = "mongodump folder"

    def __init__(self, path, folders):
        super().__init__(path)
        self._folders = folders  # {database: its folder}
        self._catalog = None
        self._data = {}  # {(database, collection): its .bson or .bson.gz}

    def databases(self):
        """Return every database folder's collections, their metadata read."""
        if self._catalog is None:
            catalog = {db: self._read_folder(db, f) for db, f in self._folders.items()}
            self._catalog = {db: collections for db, collections in catalog.items() if collections}
        return self._catalog

    def _read_folder(self, database, folder):
        collections = {}
        for path in sorted(folder.iterdir()):
            found = metadata.classify(path.name) if path.is_file() else None
            if not found or not metadata.wanted(found[0]):
                continue
            name, role = found
            collection = collections.setdefault(name, Collection(name))
            if role == "data":
                self._data[database, name] = path
            else:
                with open_file(path) as stream:
                    raw = read_small(stream, metadata.MAX_METADATA_BYTES, "the metadata")
                collection.metadata = metadata.parse(raw, str(path))
        return collections

    def documents(self, database, only=None):
        """Yield each collection's documents, file after file."""
        for name in sorted(self.collections(database)):
            path = self._data.get((database, name))
            if only is not None and name not in only:
                continue
            if path is None:
                continue
            with open_file(path) as stream:
                for document in framing.documents(stream):
                    yield name, document


def open_folder(path):
    """Return the Dump a folder holds: a mongodump folder, or a mongoexport one."""
    path = Path(path)
    folders = {
        sub.name: sub for sub in sorted(path.iterdir()) if sub.is_dir() and _holds_dump_files(sub)
    }
    if folders:  # the top folder (its own files, such as --oplog's oplog.bson, are not a db)
        return DirectoryDump(path, folders)
    if _holds_dump_files(path):
        return DirectoryDump(path, {path.name: path})
    if (path / PRELUDE).is_file():
        raise DumpError(
            f"{path}: a mongodump folder ({PRELUDE}) with no database folder of .bson files "
            "in it: was the dump cut short, or copied without its sub-folders?"
        )
    if looks_like_mongoexport(path):
        return MongoexportDump(path)
    raise DumpError(
        f"{path}: not a dump: no .bson files (mongodump), in it or in a database folder, "
        "and no .json or .jsonl files (mongoexport)"
    )


def _holds_dump_files(folder):
    return any(p.is_file() and metadata.classify(p.name) for p in folder.iterdir())
