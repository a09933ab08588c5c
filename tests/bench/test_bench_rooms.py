"""bench/rooms.py runs end to end at a tiny size; no timing is asserted."""

import pytest

from bench import rooms
from bench.common import wire_server

pytestmark = pytest.mark.wire


def test_the_rooms_benchmark_runs_end_to_end():
    with wire_server() as server:
        results = rooms.measure(server, [60], batch=25)
    assert [(r["users"], r["subscriptions"]) for r in results] == [(60, 60 * rooms.ROOMS)]
    assert results[0]["ratio"] > 0
    assert "| 60 | 180 |" in rooms.markdown(results, {}, 25)
