"""bulk-import-users with a `channels` column: each user joins the rooms it names, a room
that does not exist is the user's reason in the error report, the summary names the rooms."""

import pytest

from tests.support import factories
from tests.support.live import LiveService, read_report, run
from tests.support.paths import DATA
from tests.support.rooms import counts_are_exact, rooms_of


@pytest.fixture
def service():
    live = LiveService()
    for name in ("engineering", "board"):
        factories.insert_room(live.db, name, owner=live.admin)
    yield live
    live.close()


def test_a_channels_column_joins_each_user_to_the_rooms_it_names(service, tmp_path):
    report = tmp_path / "errors.csv"
    result = run(service, DATA / "channels.csv", "--report", report)
    assert result.exit_code == 1, result.output  # alan and nobody are not imported
    assert rooms_of(service.db, "ada") == ["board", "engineering"]
    assert rooms_of(service.db, "grace") == []
    assert service.db.users.find_one({"username": "alan"}) is None
    reasons = {row["username"]: row["reason"] for row in read_report(report)}
    assert reasons["alan"] == "unknown room: support"
    assert counts_are_exact(service.db) == {}
    assert (
        "Rooms: 0 created, 0 existing joined; 2 memberships written (1.0 per user created)."
        in result.stdout
    )
