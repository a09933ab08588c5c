"""bench/scim_lookup.py runs end to end at a tiny size; no timing is asserted."""

import shutil

import pytest

from bench import scim_lookup
from bench.common import wire_server

pytestmark = pytest.mark.wire


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing (bench/run installs it)")
def test_the_scim_lookup_benchmark_runs_end_to_end():
    with wire_server() as server:
        result = scim_lookup.measure(server, users=30, seconds=1, rounds=1)
    assert set(result["routes"]) == {"raw", "scim_lookup"}
    assert result["routes"]["scim_lookup"]["non_2xx"] == 0 and result["ratio_to_raw"] > 0
    assert "| `GET /scim/v2/Users?filter=userName eq` |" in scim_lookup.markdown(result, {})
