"""bench/file_data.py runs end to end at a tiny size; no timing is asserted."""

import pytest

from bench import file_data

pytestmark = pytest.mark.wire


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "staging"])
def test_the_file_data_benchmark_runs_end_to_end(snapshot):
    wire = file_data.on_wire(40, 1, snapshot)
    local = file_data.embedded(40, 1, snapshot)
    for result in (wire, local):
        assert result["users"] == 40 and result["snapshot"] is snapshot
        assert result["body_mb"] > 0 and result["floor_seconds"] > 0
    assert (wire["database"], local["database"]) == ("wire", "embedded")
