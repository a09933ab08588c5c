"""Rocket.Chat's `slack-users` importer: Slack's "Export member list" CSV."""

from app.importers.base import FileImporter, ImportFileError


class SlackUsersImporter(FileImporter):
    """Read Slack's member list: a header row, then one user per row."""

    key = "slack-users"
    name = "Slack_Users"

    def check_head(self, head):
        """Refuse a zip or a binary file."""
        if head.startswith(b"PK\x03\x04"):
            raise ImportFileError(
                "this importer reads Slack's member list, a .csv file; the file is a zip"
            )
        if b"\x00" in head:
            raise ImportFileError(
                "this importer reads Slack's member list, a .csv file; the file is binary"
            )

    def prepare(self, file, limits, batch_size=500):
        """Yield the events of reading the member list (being written)."""
        raise ImportFileError("the Slack_Users importer is not finished yet")
