"""The benchmark scripts run end to end at a tiny size; no timing is asserted."""

import json
import shutil

import pytest

from bench import add_users, files, imports, report, status_load
from bench.common import machine, wire_server
from bench.serving import parse_wrk

pytestmark = pytest.mark.wire

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:40000/api/v1/import.status
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    26.54ms    8.01ms  61.23ms   71.02%
    Req/Sec   150.31     22.11   190.00     65.00%
  Latency Distribution
     50%   25.90ms
     75%   30.12ms
     90%   36.40ms
     99%    1.02s
  301 requests in 1.01s, 187.15KB read
  Non-2xx or 3xx responses: 2
Requests/sec:    298.02
Transfer/sec:    185.30KB
"""


def test_wrk_output_is_read_in_milliseconds():
    assert parse_wrk(WRK_OUTPUT) == {
        "rps": 298.0,
        "p50_ms": 25.9,
        "p99_ms": 1020.0,
        "requests": 301,
        "non_2xx": 2,
        "socket_errors": None,
    }


def test_the_import_benchmarks_run_end_to_end():
    results = imports.run_all([60], password_users=4)
    (run,) = results["throughput"]
    assert run["users"] == 60
    assert run["commands_by_name"]["insert"] == 2  # two batches of at most 50
    assert run["worker_peak_rss_mb"] > 0
    assert results["passwords"]["users"] == 4
    assert results["memory"] is None  # needs both 10,000 and 100,000 users
    assert "| 1 import, no passwords (users/s) | 60 |" in "\n".join(report.import_rows(results))


def test_the_file_benchmarks_run_end_to_end():
    results = files.run_all([40], [30], upload_mb=[1])
    csv_run, slack_run = results["preparation"]
    assert (csv_run["kind"], csv_run["rows"], slack_run["kind"]) == ("csv", 40, "slack-users")
    assert csv_run["commands_by_name"]["insert"] >= 1  # the rows are staged in batches
    assert slack_run["worker_peak_rss_mb"] > 0 and slack_run["add_users_per_second"] > 0
    assert results["memory"] is None  # needs both 10,000 and 100,000 rows
    base64_upload, streamed = results["uploads"]
    assert (base64_upload["form"], streamed["form"]) == ("base64", "streamed")
    assert base64_upload["body_mb"] > streamed["body_mb"] == streamed["file_mb"] == 1.0
    table = "\n".join(report.file_rows(results))
    assert "| 7 preparation of a csv file (rows/s) | 40 (" in table
    assert "| 8 upload, streamed (API process peak RSS, MiB) | 1.0 MiB file" in table


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing (bench/run installs it)")
def test_the_http_benchmarks_run_end_to_end():
    with wire_server() as server:
        http = status_load.run_all(
            server,
            seconds=1,
            rounds=1,
            import_users=1000,
            add_users=lambda served, headers: add_users.add_users(served, headers, 20),
            clients_counts=(8,),
            warm_up=False,
        )
    http = json.loads(json.dumps({"seconds": 1, **http}))
    assert http["round_trip_commands"] == ["find", "find", "find"]
    assert {route: http["routes"][route]["8"]["non_2xx"] for route in http["routes"]} == {
        "bare": 0,
        "raw": 0,
        "import.status": 0,
    }
    assert http["add_users"]["users"] == 20
    results = {
        "size": "test",
        "finished_at": "now",
        "seconds": 1,
        "machine": machine(),
        "wire_server": "test",
        "gunicorn_flags": ["--workers=4"],
        "imports": {"throughput": [], "passwords": None, "memory": None},
        "http": http,
    }
    assert "| import.status | 8 |" in report.markdown(results)
