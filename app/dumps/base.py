"""What every dump shape offers: its databases and collections, then their documents."""

from dataclasses import dataclass, field


@dataclass
class Collection:
    """One collection of a dump: its name and its metadata (indexes, options, type)."""

    name: str
    metadata: dict = field(default_factory=dict)

    @property
    def indexes(self):
        """Return the index specifications mongodump kept, `_id_` included."""
        return list(self.metadata.get("indexes") or [])

    @property
    def has_documents(self):
        """Tell whether the collection holds documents: a view holds none, and a timeseries
        collection's documents sit in `system.buckets.<name>`."""
        return self.metadata.get("type", "collection") not in ("view", "timeseries")


class Dump:
    """A dump of one shape; each shape is a module with a subclass of this."""

    kind = "dump"  # what the administrator made, in words: "mongodump archive", ...

    def __init__(self, path):
        self.path = path

    def databases(self):
        """Return {database: {collection: Collection}}, read without reading the documents."""
        raise NotImplementedError

    def documents(self, database, only=None):
        """Yield (collection, document) of one database (of only these collections, when
        given), one at a time, in the dump's order; raise DumpError at the first fault."""
        raise NotImplementedError

    def collections(self, database):
        """Return {collection: Collection} of one database."""
        return self.databases()[database]
