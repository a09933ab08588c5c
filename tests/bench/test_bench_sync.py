"""bench/sync_plan.py runs end to end at a tiny size; no timing is asserted."""

import pytest

from bench import sync_plan
from bench.common import wire_server

pytestmark = pytest.mark.wire


def test_the_sync_plan_benchmark_runs_end_to_end():
    with wire_server() as server:
        result = sync_plan.measure(server, sizes=[30], rounds=1)
    (size,) = result["sizes"]
    assert size["counts"]["update"] == 3 and size["counts"]["unchanged"] == 27
    assert size["ratio"] > 0 and size["peak_mib"] > 0
    assert "| 30 |" in sync_plan.markdown(result, {})
