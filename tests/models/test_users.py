"""The users model: which documents the database refused, and why, or that it was interrupted."""

import pytest
from pymongo.errors import AutoReconnect, BulkWriteError

from app.models import users


def bulk_error(*write_errors, concern=()):
    return BulkWriteError(
        {"writeErrors": list(write_errors), "writeConcernErrors": list(concern), "nInserted": 0}
    )


class Refusing:
    """A database that answers every insert with this BulkWriteError, as a server would."""

    def __init__(self, error):
        self.error = error

    def __getitem__(self, collection):
        return self

    def insert_many(self, documents, ordered):
        raise self.error


THREE_USERS = [{"_id": "a"}, {"_id": "b"}, {"_id": "c"}]


def test_a_document_the_database_cannot_store_fails_alone():
    error = bulk_error(
        {"index": 0, "code": 11000, "keyPattern": {"username": 1}},
        {"index": 2, "code": 17280, "errmsg": "key too large to index"},
    )
    assert users.insert_new(Refusing(error), THREE_USERS) == {
        0: {"key": "username"},
        2: {"message": "key too large to index"},
    }


@pytest.mark.parametrize(
    "error",
    [
        bulk_error({"index": 0, "code": 11600, "errmsg": "interrupted at shutdown"}),
        bulk_error(concern=[{"code": 64, "errmsg": "waiting for replication timed out"}]),
    ],
)
def test_an_interrupted_insert_is_retried_not_blamed_on_the_users(error):
    with pytest.raises(AutoReconnect):
        users.insert_new(Refusing(error), THREE_USERS)
