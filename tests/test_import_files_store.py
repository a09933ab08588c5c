"""GridFS storage of import files: what is stored reads back whole, sent a few chunks at a time."""

import os

import pymongo
import pytest

from app.models import import_files
from bench.common import CommandCounter

SIZE = 5 * 2**20 + 12_345  # more than SEND_CHUNKS chunks, and a last chunk that is short


def chunks_of(data, size=256 * 1024):
    return (data[i : i + size] for i in range(0, len(data), size))


def check_round_trip(db):
    data = os.urandom(SIZE)
    stored = import_files.store(db, "x.zip", chunks_of(data), max_bytes=SIZE)
    assert (stored.length, stored.head) == (SIZE, data[:4096])
    assert import_files.open_file(db, stored.id).read() == data
    numbers = [c["n"] for c in db[import_files.CHUNKS].find({"files_id": stored.id}).sort("n")]
    assert numbers == list(range(-(-SIZE // import_files.CHUNK_BYTES)))


def test_a_stored_file_reads_back_whole_on_the_embedded_database(db):
    check_round_trip(db)


@pytest.mark.wire
def test_a_stored_file_reads_back_whole_and_is_sent_a_few_chunks_at_a_time(wire_url):
    counter = CommandCounter()
    with pymongo.MongoClient(wire_url, event_listeners=[counter]) as client:
        db = client.get_default_database()
        check_round_trip(db)
    sent = -(-SIZE // import_files.CHUNK_BYTES) / import_files.SEND_CHUNKS
    assert counter.by_name()["insert"] == -(-sent // 1) + 1  # the chunks, then the file


def test_a_file_over_the_limit_leaves_nothing_stored(db):
    with pytest.raises(import_files.FileTooLarge):
        import_files.store(db, "x.zip", chunks_of(os.urandom(SIZE)), max_bytes=SIZE - 1)
    assert db[import_files.CHUNKS].count_documents({}) == 0
    assert db[import_files.FILES].count_documents({}) == 0
