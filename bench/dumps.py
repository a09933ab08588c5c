"""Loading a Rocket.Chat backup: the dump reader in each shape against bson.decode_file_iter.

Usage: python -m bench.dumps [--users 10000 100000] [--load-shapes archive tar.gz] [--out DIR]

For each size, one dump of N Rocket.Chat-shaped users (tests.support.dumps' documents, one bcrypt
hash shared by all, archives in segments of 500) is written in every shape; then, for
each shape, each measurement in a fresh process:
- compare: bson.decode_file_iter alone over the same users' bytes (a plain .bson, or
  gzip.open of it for the gzipped shapes), the fastest they can be decoded, and the dump
  reader (sniffing, framing, CRC-64 of archives, tar, gzip; documents decoded one at a
  time and dropped), taking turns, best CPU time of --repeats each;
- read: the reader's wall time and memory (peak RSS, and its growth during the read);
- load: the reader feeding the embedded database (app.services.restore.load), whose
  growth is the documents mongomock keeps (only the --load-shapes: it is slow).
Writes <out>/dumps.json and dumps.md.
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bson

from bench.common import RESULTS, log, machine
from tests.support import dumps

SHAPES = ("archive", "archive.gz", "folder", "folder --gzip", "tar", "tar.gz")
_GZIPPED = {"archive.gz", "folder --gzip", "tar.gz"}
# Documents per archive segment: mongodump flushes a namespace's buffer (up to 16 MiB) as
# one segment; 500 users (about 300 KiB) is a conservative stand-in.
ARCHIVE_SEGMENT = 500


def databases(count):
    """Return a Rocket.Chat database of count users (the admin first), as tests.support.dumps."""
    collections = dumps.rocketchat(users=1)
    metadata, (admin,) = collections["users"]
    people, shared_hash = [admin], admin["services"]["password"]["bcrypt"]  # 60 bytes, any cost
    for n in range(1, count):
        user = dumps._user(f"u{n:016d}", f"user_{n}", shared_hash)
        people.append(user)
    collections["users"] = (metadata, people)
    return {"rocketchat": collections}


def write_shapes(folder, count):
    """Write the dump in every shape, and the baselines' .bson files; return their paths."""
    data = databases(count)
    paths = {}
    for shape in SHAPES:
        where = folder / shape.replace(" ", "")
        where.mkdir()
        paths[shape] = dumps.make(shape, where, data, segment=ARCHIVE_SEGMENT)
    users = b"".join(bson.encode(user) for user in data["rocketchat"]["users"][1])
    (folder / "users.bson").write_bytes(users)
    (folder / "users.bson.gz").write_bytes(gzip.compress(users, compresslevel=6))
    return paths, {"plain": folder / "users.bson", "gzip": folder / "users.bson.gz"}


# --- what runs in each child process ----------------------------------------------------


def _memory_kib(field):
    # /proc's VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over an exec, so
    # a child would report its parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _baseline(path, gzipped):
    with (gzip.open if gzipped else open)(path, "rb") as stream:
        return sum(1 for _ in bson.decode_file_iter(stream))


def _read(path):
    from app.dumps import open_dump, rocketchat_database

    dump = open_dump(path)
    return sum(1 for _ in dump.documents(rocketchat_database(dump), only={"users"}))


def _load(path):
    from app.models import connection
    from app.services import restore

    dump, database = restore.open_for_loading(path)
    return restore.load(connection.embedded(), dump, database)["users"]


def _cpu_seconds(work, *args):
    started = time.process_time()
    documents = work(*args)
    return time.process_time() - started, documents


def child(mode, path, baseline=None, gzipped=False, repeats=1):
    """Run one measurement in this process; print its figures as JSON.

    compare: decode_file_iter over the baseline file and the reader over the dump, turn
    about, `repeats` times each, in CPU seconds (what the shared machine's other load
    disturbs least); read and load: the wall time and the memory of one run.
    """
    import app.dumps  # noqa: F401 (imported before the memory is first read)
    import app.services.restore  # noqa: F401

    if mode == "compare":
        base, read = [], []
        for _ in range(repeats):
            base.append(_cpu_seconds(_baseline, baseline, gzipped))
            read.append(_cpu_seconds(_read, path))
        print(json.dumps({"baseline": min(base), "read": min(read)}))
        return
    before = _memory_kib("VmRSS")
    started = time.perf_counter()
    documents = (_read if mode == "read" else _load)(path)
    seconds = time.perf_counter() - started
    rss = [before, _memory_kib("VmHWM")]
    print(json.dumps({"documents": documents, "seconds": seconds, "rss": rss}))


def _child(*args):
    out = subprocess.run(
        [sys.executable, "-m", "bench.dumps", "--child", *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def compare(path, baseline, gzipped, repeats):
    """Return the reader's and decode_file_iter's documents/s (CPU time) and their ratio."""
    figures = _child("compare", path, baseline, int(gzipped), repeats)
    (base_seconds, documents), (read_seconds, read) = figures["baseline"], figures["read"]
    assert read == documents, (read, documents)
    return {
        "documents": documents,
        "decode_file_iter_per_cpu_second": round(documents / base_seconds),
        "read_per_cpu_second": round(documents / read_seconds),
        "of_decode_file_iter": round(base_seconds / read_seconds, 2),
    }


def measure(mode, path):
    """Return the wall time and memory of one read or load, in a fresh interpreter."""
    figures = _child(mode, path)
    before, peak = figures.pop("rss")
    figures["peak_rss_mib"] = round(peak / 1024, 1)
    figures["rss_growth_mib"] = round((peak - before) / 1024, 1)
    figures["documents_per_second"] = round(figures["documents"] / figures["seconds"])
    figures["seconds"] = round(figures["seconds"], 3)
    return figures


def run(sizes, load_shapes, repeats, shapes=SHAPES):
    """Measure every shape (of shapes) at every size; return the results."""
    results = {"machine": machine(), "repeats": repeats, "sizes": {}}
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            log(f"{count:,} users: writing every shape")
            paths, baselines = write_shapes(Path(tmp), count)
            size = {}
            for shape in shapes:
                path = paths[shape]
                log(f"{count:,} users: reading the {shape}")
                gzipped = shape in _GZIPPED
                kind = "gzip" if gzipped else "plain"
                size[shape] = {
                    "bytes": _bytes(path),
                    "baseline": kind,
                    "compare": compare(path, baselines[kind], gzipped, repeats),
                    "read": measure("read", path),
                }
                if shape in load_shapes:
                    log(f"{count:,} users: loading the {shape} into the embedded database")
                    size[shape]["load"] = measure("load", path)
            results["sizes"][str(count)] = size
    return results


def _bytes(path):
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def markdown(results):
    """Return the results as a markdown table per size."""
    lines = ["# Loading a dump", ""]
    for count, size in results["sizes"].items():
        lines += [
            f"## {int(count):,} users",
            "",
            f"CPU time, best of {results['repeats']}, baseline and reader taking turns in one "
            "process; wall time and memory of one run each in a fresh process.",
            "",
            "| shape | bytes | decode_file_iter: docs/CPU s | reader: docs/CPU s | reader / "
            "decode_file_iter | read: docs/s | read: peak RSS | read: RSS growth | load: docs/s "
            "| load: RSS growth |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for shape in size:
            figures = size[shape]
            cmp, read, load = figures["compare"], figures["read"], figures.get("load")
            loaded = (
                f"{load['documents_per_second']:,} | {load['rss_growth_mib']} MiB"
                if load
                else "– | –"
            )
            lines.append(
                f"| {shape} | {figures['bytes']:,} | {cmp['decode_file_iter_per_cpu_second']:,} "
                f"({figures['baseline']}) | {cmp['read_per_cpu_second']:,} | "
                f"{cmp['of_decode_file_iter']} | {read['documents_per_second']:,} | "
                f"{read['peak_rss_mib']} MiB | {read['rss_growth_mib']} MiB | {loaded} |"
            )
        lines.append("")
    return "\n".join(lines)


def main():
    """Parse the options, run, write and print the report."""
    if sys.argv[1:2] == ["--child"]:
        mode, path, *rest = sys.argv[2:]
        if rest:
            child(mode, Path(path), Path(rest[0]), rest[1] == "1", int(rest[2]))
        else:
            child(mode, Path(path))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--load-shapes", nargs="*", default=["archive", "tar.gz"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = run(args.users, set(args.load_shapes), args.repeats)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "dumps.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "dumps.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
