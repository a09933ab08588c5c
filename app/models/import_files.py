"""The files of the file importers, in GridFS (`bulkimport_files.files` / `.chunks`).

Kept in the database, not on one instance's disk, so that any worker of any replica
can prepare a file another replica received (Rocket.Chat's issue #17364).
"""

from datetime import UTC, datetime

import gridfs
import mongomock.gridfs
from bson import Binary, ObjectId

from app.models import indexes
from app.models.connection import is_embedded

BUCKET = "bulkimport_files"
FILES = f"{BUCKET}.files"
CHUNKS = f"{BUCKET}.chunks"
# The selection snapshots (services/selection_snapshot), apart from the files themselves.
SELECTIONS = "bulkimport_selections"
CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size
_CHUNKS_PER_WRITE = 4  # about a megabyte per round trip
_CHUNK_KEYS = [("files_id", 1), ("n", 1)]  # the index the GridFS specification asks for


class FileTooLarge(Exception):
    """The stream holds more bytes than the limit it was stored with."""


class StoredFile:
    """A file written to GridFS: its id, its length and its first bytes."""

    def __init__(self, file_id, length, head):
        self.id, self.length, self.head = file_id, length, head


_patched = []


def _bucket(db):
    if is_embedded(db) and not _patched:
        # mongomock ships the patch that lets pymongo's gridfs write to its collections;
        # it widens gridfs's isinstance checks only, so real databases are unaffected.
        mongomock.gridfs.enable_gridfs_integration()
        _patched.append(True)
    return gridfs.GridFSBucket(db, bucket_name=BUCKET, chunk_size_bytes=CHUNK_BYTES)


class Writer:
    """A file being written to GridFS, counted as it arrives: more than max_bytes in all
    raises FileTooLarge. close() returns the StoredFile; abort() deletes what was written.

    The chunks are written in GridFS's format a few at a time, rather than through
    pymongo's GridIn, which buffers up to 48 MB of them before it writes.
    """

    def __init__(self, db, name, max_bytes, head_bytes=4096, metadata=None, bucket=BUCKET):
        self.db, self.name, self.max_bytes, self.head_bytes = db, name, max_bytes, head_bytes
        self.metadata, self.bucket = metadata or {}, bucket
        self.id = ObjectId()
        self.length, self.head, self.number = 0, b"", 0
        self._buffer = bytearray()
        self._pending = []
        indexes.ensure(db, f"{bucket}.chunks", _CHUNK_KEYS, unique=True)

    def write(self, chunk):
        """Append a chunk of bytes."""
        self.length += len(chunk)
        if self.length > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        if len(self.head) < self.head_bytes:
            self.head += chunk[: self.head_bytes - len(self.head)]
        self._buffer += chunk
        while len(self._buffer) >= CHUNK_BYTES:
            self._add_chunk(bytes(self._buffer[:CHUNK_BYTES]))
            del self._buffer[:CHUNK_BYTES]

    def _add_chunk(self, data):
        self._pending.append({"files_id": self.id, "n": self.number, "data": Binary(data)})
        self.number += 1
        if len(self._pending) >= _CHUNKS_PER_WRITE:
            self._flush()

    def _flush(self):
        if self._pending:
            self.db[f"{self.bucket}.chunks"].insert_many(self._pending, ordered=True)
            self._pending = []

    def close(self):
        """Finish the file; return it as a StoredFile."""
        if self._buffer:
            self._add_chunk(bytes(self._buffer))
            self._buffer = bytearray()
        self._flush()
        self.db[f"{self.bucket}.files"].insert_one(
            {
                "_id": self.id,
                "length": self.length,
                "chunkSize": CHUNK_BYTES,
                "uploadDate": datetime.now(UTC).replace(tzinfo=None),
                "filename": self.name,
                "metadata": self.metadata,
            }
        )
        return StoredFile(self.id, self.length, self.head)

    def abort(self):
        """Delete whatever was written."""
        delete(self.db, [self.id], self.bucket)


def store(db, name, chunks, max_bytes, head_bytes=4096, metadata=None):
    """Write an iterable of byte chunks to GridFS as they arrive; return a StoredFile.

    More than max_bytes in all: what was written is deleted and FileTooLarge raised, so
    a file is never held whole in memory nor left half-stored.
    """
    writer = Writer(db, name, max_bytes, head_bytes, metadata)
    try:
        for chunk in chunks:
            writer.write(chunk)
        return writer.close()
    except BaseException:
        writer.abort()
        raise


def open_file(db, file_id):
    """Return the stored file as a seekable, readable binary stream, or None if it is gone."""
    try:
        return _bucket(db).open_download_stream(_object_id(file_id))
    except gridfs.errors.NoFile:
        return None


def selection_writer(db, operation_id, max_bytes):
    """Return a Writer of an operation's selection snapshot."""
    metadata = {"operation": operation_id}
    return Writer(db, "selection.json", max_bytes, metadata=metadata, bucket=SELECTIONS)


def read_selection(db, operation_id):
    """Return the bytes of an operation's selection snapshot, read a few chunks per round
    trip, or None without one (the import files themselves are streamed, never read whole)."""
    found = db[f"{SELECTIONS}.files"].find_one({"metadata.operation": operation_id}, {"_id": 1})
    if found is None:
        return None
    chunks = db[f"{SELECTIONS}.chunks"].find({"files_id": found["_id"]}, {"data": 1})
    return b"".join(bytes(chunk["data"]) for chunk in chunks.sort("n", 1).batch_size(16))


def delete_selections(db, operation_id=None):
    """Delete the selection snapshots of one operation, or of every operation."""
    query = {} if operation_id is None else {"metadata.operation": operation_id}
    found = db[f"{SELECTIONS}.files"].find(query, {"_id": 1})
    delete(db, [document["_id"] for document in found], SELECTIONS)


def delete(db, file_ids, bucket=BUCKET):
    """Delete stored files and their chunks (ids that are gone are ignored)."""
    ids = [_object_id(file_id) for file_id in file_ids if file_id is not None]
    if ids:
        # By hand rather than GridFSBucket.delete, which the embedded database cannot run.
        db[f"{bucket}.files"].delete_many({"_id": {"$in": ids}})
        db[f"{bucket}.chunks"].delete_many({"files_id": {"$in": ids}})


def _object_id(file_id):
    return ObjectId(file_id) if isinstance(file_id, str) and ObjectId.is_valid(file_id) else file_id
