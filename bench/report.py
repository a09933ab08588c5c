"""Turn the results of a benchmark run into a short markdown report.

Usage: python -m bench.report bench/results/small.json (prints the markdown again)
"""

import json
import sys
from pathlib import Path


def _yes(holds):
    return "n/a" if holds is None else ("**yes**" if holds else "**no**")


def _load(figures):
    return f"{figures['rps']} rps, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms"


def _row(*cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def import_rows(results):
    """Return the table rows of (1) to (4)."""
    rows = []
    for run in results["throughput"]:
        size = f"{run['users']:,}"
        rows.append(
            _row(
                "1 import, no passwords (users/s)",
                size,
                run["users_per_second"],
                f"{run['limit_users_per_second']} (insert_many × 50)",
                f"{run['ratio']} (median of {', '.join(map(str, run['ratios']))})",
                "≥ 0.5",
                _yes(run["ratio_holds"]),
            )
        )
        rows.append(
            _row(
                "2 round trips per user",
                size,
                f"{run['round_trips_per_user']} ({run['commands']} commands)",
                "",
                "",
                "≤ 0.1",
                _yes(run["round_trips_hold"]),
            )
        )
        peak = run["worker_peak_rss_mb"]
        rows.append(_row("4 worker peak RSS (MiB)", size, peak, "", "", "", ""))
    if memory := results.get("memory"):
        rows.append(
            _row(
                "4 worker peak RSS growth",
                "10k → 100k",
                f"{memory['peak_10k_mb']} → {memory['peak_100k_mb']} MiB",
                "",
                f"+{memory['growth']:.1%}",
                "< +20%",
                _yes(memory["holds"]),
            )
        )
    if passwords := results.get("passwords"):
        rows.append(
            _row(
                "3 import with passwords (users/s)",
                f"{passwords['users']:,}",
                passwords["users_per_second"],
                f"{passwords['cpu_limit_users_per_second']} ({passwords['cores']} cores / "
                f"{passwords['one_bcrypt_ms']} ms)",
                f"{passwords['ratio']} (median of {', '.join(map(str, passwords['ratios']))})",
                "≥ 0.8",
                _yes(passwords["holds"]),
            )
        )
    return rows


def http_rows(http):
    """Return the table rows of (5) and (6)."""
    at8 = {name: http["routes"][name]["8"]["rps"] for name in http["routes"]}
    busy = http["while_importing"]
    rows = [
        _row(
            "5 import.status rps at 8 clients",
            "",
            at8["import.status"],
            f"raw {at8['raw']}, bare {at8['bare']}",
            http["ratio_to_raw_at_8"],
            "≥ 0.8 of raw",
            _yes(http["holds"]),
        ),
        _row(
            "5 round trips of one import.status",
            "",
            f"{http['round_trips']} ({', '.join(http['round_trip_commands'])})",
            "",
            "",
            "≤ 3",
            _yes(http["round_trips_hold"]),
        ),
    ]
    for name in busy["idle"]:
        rows.append(
            _row(
                f"5 {name} at 8 clients while importing",
                f"{busy['import_users']:,} staged",
                _load(busy["during_import"][name]),
                f"idle: {_load(busy['idle'][name])}",
                busy["ratio"][name],
                "",
                "",
            )
        )
    if added := http.get("add_users"):
        rows.append(
            _row(
                "6 import.addUsers in one request",
                f"{added['users']:,} ({added['body_mb']} MiB)",
                f"{added['seconds']} s, worker peak {added['worker_peak_rss_after_mb']} MiB",
                f"peak before {added['worker_peak_rss_before_mb']} MiB",
                "",
                "",
                "",
            )
        )
    return rows


def file_rows(files):
    """Return the table rows of the file importers: (7) preparation and (8) uploads."""
    rows = []
    for run in files["preparation"]:
        rows.append(
            _row(
                f"7 preparation of a {run['kind']} file (rows/s)",
                f"{run['rows']:,} ({run['file_mb']} MiB)",
                run["rows_per_second"],
                f"{run['add_users_per_second']} (import.addUsers)",
                f"{run['ratio']} (median of {', '.join(map(str, run['ratios']))})",
                "≥ 0.5",
                _yes(run["holds"]),
            )
        )
        size = f"{run['rows']:,} {run['kind']}"
        rows.append(_row("7 worker peak RSS (MiB)", size, run["worker_peak_rss_mb"], *[""] * 4))
    if memory := files.get("memory"):
        rows.append(
            _row(
                "7 worker peak RSS growth",
                "10k → 100k rows",
                f"{memory['peak_10k_mb']} → {memory['peak_100k_mb']} MiB",
                "",
                f"{memory['growth']:+.1%}",
                "< +20%",
                _yes(memory["holds"]),
            )
        )
    for upload in files["uploads"]:
        rows.append(
            _row(
                f"8 upload, {upload['form']} (API process peak RSS, MiB)",
                f"{upload['file_mb']} MiB file ({upload['body_mb']} MiB body)",
                f"{upload['peak_rss_before_mb']} → {upload['peak_rss_after_mb']} "
                f"(+{upload['growth_mb']}) in {upload['seconds']} s",
                "",
                "",
                "streamed: no growth with the file",
                "",
            )
        )
    return rows


def latency_rows(http):
    """Return one row per route and client count: rps, p50 and p99."""
    rows = []
    for name, by_clients in http["routes"].items():
        for clients, figures in by_clients.items():
            rows.append(_row(name, clients, figures["rps"], figures["p50_ms"], figures["p99_ms"]))
    return rows


def markdown(results):
    """Return the whole report."""
    facts = results["machine"]
    lines = [
        f"# Benchmarks, size `{results['size']}`, {results['finished_at']}",
        "",
        f"Machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory_gib']} GiB, "
        f"Linux {facts['kernel']}, Python {facts['python']}, pymongo {facts['pymongo']}, "
        f"load average at start {facts['load_average_at_start']}, at end "
        f"{facts.get('load_average_at_end')}; wire server SecantusDB "
        f"{results['wire_server']}. Took {results['seconds']:.0f} s.",
        "",
        _row("figure", "size", "measured", "baseline (same run)", "ratio", "target", "holds"),
        _row(*["---"] * 7),
        *import_rows(results["imports"]),
        *(file_rows(results["files"]) if results.get("files") else []),
    ]
    if http := results.get("http"):
        lines += [*http_rows(http), "", "Load (wrk, keep-alive, gunicorn "]
        lines[-1] += f"`{' '.join(results['gunicorn_flags'])}`, {http['seconds']} s per run):"
        lines += [
            "",
            _row("route", "clients", "rps", "p50 ms", "p99 ms"),
            _row(*["---"] * 5),
            *latency_rows(http),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text())), end="")
