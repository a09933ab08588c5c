"""Rocket.Chat's file importers, one module each, found by their key."""

from app.importers.base import FileImporter
from app.importers.csv_zip import CsvZipImporter
from app.importers.slack_users import SlackUsersImporter

# The order importers.list answers in. A new importer is a new module and one entry here.
_IMPORTERS: tuple[FileImporter, ...] = (CsvZipImporter(), SlackUsersImporter())


def find(key: str) -> FileImporter | None:
    """Return the importer whose key is `key`, or None."""
    return next((importer for importer in _IMPORTERS if importer.key == key), None)


def visible() -> list[FileImporter]:
    """Return the importers an administrator may pick, in Rocket.Chat's order."""
    return list(_IMPORTERS)
