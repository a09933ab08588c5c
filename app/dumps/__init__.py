"""Read a Rocket.Chat backup in every shape administrators make it, streamed, never written to.

`open_dump(path)` sniffs the shape from the bytes (a folder, a mongodump archive, a tar, each
maybe gzipped) and returns a Dump; `rocketchat_database(dump, name)` picks the database to
load. Nothing here imports pymongo or Flask: writing into a database is app.services.restore's.
"""

from app.dumps.base import Collection, Dump
from app.dumps.choosing import rocketchat_database
from app.dumps.errors import DumpError
from app.dumps.opening import open_dump

__all__ = ["Collection", "Dump", "DumpError", "open_dump", "rocketchat_database"]
