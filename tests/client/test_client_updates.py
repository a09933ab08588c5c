"""bulk-import-users --importer tells users created, updated and failed apart, never counting
channels or messages among them."""

import pytest

from tests.support import factories, importfiles
from tests.support.live import LiveService, run


@pytest.fixture
def service():
    live = LiveService(IMPORT_POLL_SECONDS=0.05)
    yield live
    live.close()


def test_existing_users_are_counted_as_updated(service, tmp_path):
    factories.insert_user(service.db, username="user1")
    factories.insert_user(service.db, username="other", importIds=["user3"])
    zipped = tmp_path / "export.zip"
    zipped.write_bytes(importfiles.users_zip(rows=4, channels=2, messages=3))
    result = run(service, "--importer", "csv", zipped, "--report", tmp_path / "errors.csv")
    assert result.exit_code == 1, result.output  # one user failed
    assert (
        "4 users read: 0 refused before the import, 2 created, 1 updated, 1 failed in the run"
        in result.stdout
    )
    importing = [line for line in result.stderr.splitlines() if line.startswith("importing")]
    assert "4/4  created 2  updated 1  failed in the run 1" in importing[-1]  # users only, of 4


def test_a_file_whose_users_all_exist_is_complete(service, tmp_path):
    zipped = tmp_path / "export.zip"
    zipped.write_bytes(importfiles.users_zip(rows=2))
    assert run(service, "--importer", "csv", zipped).exit_code == 0
    again = run(service, "--importer", "csv", zipped)
    assert again.exit_code == 0, again.output
    assert (
        "2 users read: 0 refused before the import, 0 created, 2 updated, 0 failed in the run"
        in again.stdout
    )
    assert "Every user was created or updated; no error report." in again.stdout
