"""Which operations a worker picks up: every step it can carry on, and no other."""

import pytest

from app.contract import states
from tests.support import factories

# Spelled out here, as an administrator would list them, rather than derived from the sets
# the worker itself uses: a step dropped from, or added to, what it claims fails below.
CARRIED_ON = {
    # a file to download or to prepare
    "importer_uploading",
    "importer_downloading_file",
    "importer_file_loaded",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages",
    # a run to start or to resume
    "importer_importing_started",
    "importer_importing_users",
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_finishing",
}


@pytest.mark.parametrize("status", sorted(states.STATE_OF_STATUS))
def test_a_worker_picks_up_exactly_the_steps_it_can_carry_on(db, worker, status):
    # Not new (addUsers may follow), ready (waits for startImport), finished, nor
    # Rocket.Chat's contacts and files steps, which this service never writes.
    operation = factories.insert_operation(db, status=status)
    claimed = worker.claim()
    assert (claimed and claimed["_id"]) == (operation["_id"] if status in CARRIED_ON else None)


def test_a_worker_never_picks_up_an_invalidated_operation(db, worker):
    factories.insert_operation(db, status="importer_importing_users", valid=False)
    assert worker.claim() is None
