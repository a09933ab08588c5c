"""A member list is read through a buffer, not a byte at a time (GridFS files have no readline)."""

import io

from app import importers
from tests.support import importfiles


class Unbuffered(io.RawIOBase):
    """A readable, seekable file without a readline of its own, counting its reads."""

    def __init__(self, data):
        self.data, self.position, self.reads = data, 0, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, position, whence=0):
        self.position = position
        return position

    def read(self, size=-1):
        self.reads += 1
        end = len(self.data) if size is None or size < 0 else self.position + size
        piece, self.position = self.data[self.position : end], min(end, len(self.data))
        return piece


def test_a_member_list_is_read_in_blocks_and_reads_the_same():
    data = importfiles.slack_csv(rows=1000)
    file = Unbuffered(data)
    staged = importfiles.staged_users(
        importers.find("slack-users").prepare(file, importfiles.limits())
    )
    expected = importfiles.staged_users(
        importers.find("slack-users").prepare(io.BytesIO(data), importfiles.limits())
    )
    assert staged == expected and len(staged) == 1000
    assert file.reads < len(data) // 1000  # blocks of many KiB, not one read per byte
