"""A folder of mongoexport files, one `<collection>.json`/`.jsonl` each (the older way in)."""

from app.dumps.base import Collection, Dump
from app.dumps.export import read_export

_SUFFIXES = (".json", ".jsonl")


class MongoexportDump(Dump):
    """mongoexport files: one database, no indexes, read by app.dumps.export."""

    kind = "mongoexport folder"

    def __init__(self, path):
        super().__init__(path)
        self._documents = None

    def _read(self):
        # mongoexport files are read whole (Extended JSON has no framing to stream by);
        # their errors (ExportError) name the file and line.
        if self._documents is None:
            self._documents = read_export(self.path)
        return self._documents

    def databases(self):
        """Return the folder as one database named after it."""
        return {self.path.name: {name: Collection(name) for name in self._read()}}

    def documents(self, database, only=None):
        """Yield every document of every file (or of only these collections)."""
        for name, documents in self._read().items():
            if only is not None and name not in only:
                continue
            for document in documents:
                yield name, document


def looks_like_mongoexport(folder):
    """Tell whether a folder holds .json or .jsonl files."""
    return any(p.is_file() and p.suffix in _SUFFIXES for p in folder.iterdir())
