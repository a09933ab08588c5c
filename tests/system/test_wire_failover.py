"""A 3,000-user import through a primary stepping down, cut connections and a stalled
primary: it ends done, every user created once, and import.status never fails."""

import pytest

from tests.support.failover import import_under_faults
from tests.support.failpoints import (
    ANY_APP,
    blocked_connection,
    closed_connection,
    not_writable_primary,
)

pytestmark = pytest.mark.wire

LEASE_SECONDS = 3
USERS = 3000
# Far from a timing claim: a call that took this long hung (docs/failover.md has the times).
NO_HANG_SECONDS = 10

# (created users when armed, fault, how many commands it fails)
ACCEPTANCE = [
    # A step-down under the users' insert: the driver retries it on the new primary.
    (300, not_writable_primary(["insert"]), 1),
    # A connection cut under the same insert: the driver retries it.
    (700, closed_connection(["insert"]), 1),
    # A step-down under the lease's renewal (findAndModify): the driver retries it.
    (1100, not_writable_primary(["findAndModify"]), 1),
    # A step-down under the staging cleanup, a multi-document delete the driver never
    # retries: the worker backs off, claims its own run again and resumes it.
    (1500, not_writable_primary(["delete"]), 1),
    # A cut under the next read of anyone: the console's poll or the worker's.
    (1900, closed_connection(["find"], app=ANY_APP), 1),
    # The primary stalls an insert past the lease: the other worker takes the run over.
    (2300, blocked_connection(["insert"], seconds=LEASE_SECONDS * 2.5), 1),
]


@pytest.fixture(scope="module")
def acceptance_run(fault_server, tmp_path_factory):
    """The acceptance scenario, run once for the tests of its outcome."""
    folder = tmp_path_factory.mktemp("failover")
    return import_under_faults(
        fault_server, folder, ACCEPTANCE, users=USERS, lease_seconds=LEASE_SECONDS
    )


def test_an_import_survives_failovers_exactly_once(acceptance_run):
    result = acceptance_run
    assert [name for name, _, _ in result.fired] == [fault.name for _, fault, _ in ACCEPTANCE]
    operation = result.operation
    assert operation["status"] == "importer_done"
    assert operation["count"] == {"total": USERS, "users": USERS, "completed": USERS, "error": 0}
    assert result.imported_users == result.distinct_users == USERS
    assert result.staged_left == 0
    assert len({log for log, _ in result.claims}) == 2, "the stalled run was not taken over"


def test_import_status_answers_through_the_faults(acceptance_run):
    samples = acceptance_run.during_faults()
    assert samples, "import.status was not polled during the faults"
    assert {s.status for s in samples} <= {200, 503}
    assert all(s.retry_after for s in samples if s.status == 503)
    assert max(s.seconds for s in samples) < NO_HANG_SECONDS
