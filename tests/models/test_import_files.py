"""GridFS import files: stored in chunks as they arrive, read back as a seekable stream,
deleted whole; on the embedded database and on the wire server."""

import os

import pymongo
import pytest

from app.models import import_files


def _chunks(content, size=100_000):
    return (content[i : i + size] for i in range(0, len(content), size))


def _round_trip(db):
    content = os.urandom(3 * import_files.CHUNK_BYTES + 1234)
    stored = import_files.store(db, "a.zip", _chunks(content), max_bytes=len(content))
    assert (stored.length, stored.head) == (len(content), content[:4096])
    with import_files.open_file(db, stored.id) as file:
        assert file.read() == content
        file.seek(import_files.CHUNK_BYTES - 2)
        assert file.read(4) == content[import_files.CHUNK_BYTES - 2 : import_files.CHUNK_BYTES + 2]
    assert db[import_files.CHUNKS].count_documents({"files_id": stored.id}) == 4
    import_files.delete(db, [stored.id])
    assert import_files.open_file(db, stored.id) is None
    assert db[import_files.CHUNKS].count_documents({}) == 0


def _too_large(db):
    with pytest.raises(import_files.FileTooLarge):
        import_files.store(db, "a.zip", _chunks(b"x" * 600_000), max_bytes=500_000)
    assert db[import_files.FILES].count_documents({}) == 0
    assert db[import_files.CHUNKS].count_documents({}) == 0


def test_a_file_round_trips_on_the_embedded_database(db):
    _round_trip(db)


def test_a_file_over_the_limit_leaves_nothing_on_the_embedded_database(db):
    _too_large(db)


@pytest.mark.wire
def test_a_file_round_trips_on_the_wire_server(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        _round_trip(client.get_default_database())
        _too_large(client.get_default_database())
