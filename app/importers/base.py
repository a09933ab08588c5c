"""The interface every file importer implements: its error, limits, events and base class."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from app.contract import files

# The preparation steps Rocket.Chat writes as each part of a file is read.
PREPARING_USERS = "importer_preparing_users"
PREPARING_CHANNELS = "importer_preparing_channels"
PREPARING_MESSAGES = "importer_preparing_messages"

# How many leading bytes `check_head` is given at upload.
HEAD_BYTES = files.HEAD_BYTES


class ImportFileError(Exception):
    """A file that cannot be imported; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class FileLimits:
    """The sizes a file and its unpacked content may reach (defaults live in app/config.py)."""

    max_file_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_entries: int


@dataclass(frozen=True)
class Step:
    """The preparation step being entered (one of the PREPARING_* statuses)."""

    status: str


@dataclass(frozen=True)
class Users:
    """A batch of staged user `data` dicts, shaped as import.addUsers stages them."""

    records: list[dict]


@dataclass(frozen=True)
class Channels:
    """A batch of channel `data` dicts (counted and listed, never imported)."""

    records: list[dict]


@dataclass(frozen=True)
class Messages:
    """A number of messages read (counted, never staged)."""

    count: int


Event = Step | Users | Channels | Messages


class FileImporter(ABC):
    """One file format: how to recognise it at upload and how to read it into records."""

    key: str
    name: str
    counter: str  # the Rocket.Chat setting that counts the users its files held

    @abstractmethod
    def check_head(self, head: bytes) -> None:
        """Raise ImportFileError if a file starting with `head` cannot be this importer's."""

    @abstractmethod
    def prepare(self, file: BinaryIO, limits: FileLimits, batch_size: int = 500) -> Iterator[Event]:
        """Yield the events of reading the seekable binary `file`, as a stream.

        Raise ImportFileError on the first bad entry or row, and at the end if the file
        held no usable user record.
        """
