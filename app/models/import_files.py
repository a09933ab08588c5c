"""The files of the file importers, in GridFS (`bulkimport_files.files` / `.chunks`).

Kept in the database, not on one instance's disk, so that any worker of any replica
can prepare a file another replica received (Rocket.Chat's issue #17364).
"""

import gridfs
import mongomock.gridfs
from bson import ObjectId

from app.models.connection import is_embedded

BUCKET = "bulkimport_files"
FILES = f"{BUCKET}.files"
CHUNKS = f"{BUCKET}.chunks"
CHUNK_BYTES = 255 * 1024  # GridFS's default chunk size


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
    raises FileTooLarge. close() returns the StoredFile; abort() deletes what was written."""

    def __init__(self, db, name, max_bytes, head_bytes=4096, metadata=None):
        self.db, self.max_bytes, self.head_bytes = db, max_bytes, head_bytes
        self.stream = _bucket(db).open_upload_stream(name, metadata=metadata or {})
        self.length, self.head = 0, b""

    def write(self, chunk):
        """Append a chunk of bytes."""
        self.length += len(chunk)
        if self.length > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        if len(self.head) < self.head_bytes:
            self.head += chunk[: self.head_bytes - len(self.head)]
        self.stream.write(chunk)

    def close(self):
        """Finish the file; return it as a StoredFile."""
        self.stream.close()
        return StoredFile(self.stream._id, self.length, self.head)

    def abort(self):
        """Delete whatever was written."""
        self.stream.abort()
        delete(self.db, [self.stream._id])


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
