"""CRC-64/XZ of archive documents: a table in Python against the packages that compute it.

Usage: python -m bench.dump_crc [--megabytes 16]

mongodump sums every document of a namespace with Go's hash/crc64 (ECMA table), which is
CRC-64/XZ; the reader updates the sum once per document. Measured over documents of 800
bytes (a Rocket.Chat user's size), each package where it is installed: fastcrc (the
dependency), and for comparison crcmod-plus and anycrc if present.
"""

import argparse
import os
import time

POLY = 0xC96C5795D7870F42  # ECMA-182, reflected
MASK = (1 << 64) - 1
DOCUMENT_BYTES = 800


def _table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


TABLE = _table()


def python_table(data, crc=0):
    """CRC-64/XZ in Python, one table lookup per byte (crc continues an earlier sum)."""
    crc ^= MASK
    for byte in data:
        crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ MASK


def candidates():
    """Return {name: update(data, crc)} for every implementation installed here."""
    found = {"table in Python": python_table}
    from fastcrc import crc64

    found["fastcrc (Rust)"] = lambda data, crc: crc64.xz(data, crc)
    try:
        import crcmod

        xz = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, rev=True, initCrc=0, xorOut=MASK)
        found["crcmod-plus (C)"] = lambda data, crc: xz(data, crc)
    except ImportError:
        pass
    try:
        import anycrc

        model = anycrc.Model("CRC64-XZ")
        found["anycrc (C)"] = lambda data, crc: model.calc(data, crc) if crc else model.calc(data)
    except ImportError:
        pass
    return found


def measure(update, documents):
    """Return (MB/s, the CRC) of summing the documents one update at a time."""
    started = time.perf_counter()
    crc = 0
    for document in documents:
        crc = update(document, crc)
    seconds = time.perf_counter() - started
    return sum(map(len, documents)) / seconds / 1e6, crc


def main():
    """Measure each implementation over the same documents; print MB/s, check the CRCs agree."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, default=16)
    args = parser.parse_args()
    assert python_table(b"123456789") == 0x995DC9BBDF1939FA
    data = os.urandom(int(args.megabytes * 1e6))
    documents = [data[i : i + DOCUMENT_BYTES] for i in range(0, len(data), DOCUMENT_BYTES)]
    results = {}
    for name, update in candidates().items():
        # The table in Python gets a sixteenth of the data: it is that slow.
        sample = documents if name != "table in Python" else documents[: len(documents) // 16]
        results[name] = measure(update, sample)
    agreed = {crc for name, (_, crc) in results.items() if name != "table in Python"}
    assert len(agreed) == 1, "the packages disagree"
    for name, (speed, _) in results.items():
        print(f"{name:18s} {speed:10,.1f} MB/s")


if __name__ == "__main__":
    main()
