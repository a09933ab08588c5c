"""The files of the file importers, in GridFS (`bulkimport_files.files` / `.chunks`).

Kept in the database, not on one instance's disk, so that any worker of any replica
can prepare a file another replica received (Rocket.Chat's issue #17364).
"""

from datetime import UTC, datetime

import gridfs
import mongomock.gridfs
from bson import Binary, ObjectId

from app.models.connection import is_embedded

BUCKET = "bulkimport_files"
FILES = f"{BUCKET}.files"
CHUNKS = f"{BUCKET}.chunks"
CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size
SEND_CHUNKS = 16  # chunks sent in one insert (about 4 MiB)


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

    It writes GridFS's documents itself, a few chunks at a time: pymongo's upload stream
    keeps up to 48 MiB of chunks in memory before it sends them, so a 50 MiB upload was
    held almost whole (bench/files.py measured it).
    """

    def __init__(self, db, name, max_bytes, head_bytes=4096, metadata=None):
        self.db, self.max_bytes, self.head_bytes = db, max_bytes, head_bytes
        self.id, self.name, self.metadata = ObjectId(), name, metadata or {}
        self.length, self.head = 0, b""
        self._pending = bytearray()  # less than one chunk, waiting for the next bytes
        self._chunks = []  # full chunks not sent yet
        self._made = 0  # chunks made, sent or not: the next one's number
        _ensure_indexes(db)

    def write(self, chunk):
        """Append a chunk of bytes."""
        self.length += len(chunk)
        if self.length > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        if len(self.head) < self.head_bytes:
            self.head += chunk[: self.head_bytes - len(self.head)]
        self._pending += chunk
        while len(self._pending) >= CHUNK_BYTES:
            self._add(self._pending[:CHUNK_BYTES])
            del self._pending[:CHUNK_BYTES]
        if len(self._chunks) >= SEND_CHUNKS:
            self._send()

    def close(self):
        """Finish the file; return it as a StoredFile."""
        if self._pending:
            self._add(self._pending)
            self._pending = bytearray()
        self._send()
        self.db[FILES].insert_one(
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
        self._chunks, self._pending = [], bytearray()
        delete(self.db, [self.id])

    def _add(self, data):
        chunk = {"files_id": self.id, "n": self._made, "data": Binary(bytes(data))}
        self._chunks.append(chunk)
        self._made += 1

    def _send(self):
        if self._chunks:
            self.db[CHUNKS].insert_many(self._chunks)
            self._chunks = []


def _ensure_indexes(db):
    # GridFS's own indexes, as pymongo's upload stream creates them (a file's chunks are
    # read in order, by files_id and n); two idempotent commands per file stored.
    db[CHUNKS].create_index([("files_id", 1), ("n", 1)], unique=True)
    db[FILES].create_index([("filename", 1), ("uploadDate", 1)])


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


def delete(db, file_ids):
    """Delete stored files and their chunks (ids that are gone are ignored)."""
    ids = [_object_id(file_id) for file_id in file_ids if file_id is not None]
    if ids:
        # By hand rather than GridFSBucket.delete, which the embedded database cannot run.
        db[FILES].delete_many({"_id": {"$in": ids}})
        db[CHUNKS].delete_many({"files_id": {"$in": ids}})


def _object_id(file_id):
    return ObjectId(file_id) if isinstance(file_id, str) and ObjectId.is_valid(file_id) else file_id
