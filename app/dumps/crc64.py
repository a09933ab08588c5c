"""CRC-64 as mongodump computes it over an archive's documents (Go's hash/crc64, ECMA table).

That is CRC-64/XZ; fastcrc computes it natively (measured against a table in Python: see
bench/dump_crc.py and README's Performance section).
"""

from fastcrc import crc64 as _fastcrc

MASK = (1 << 64) - 1


def update(data, crc=0):
    """Return the CRC-64/XZ of everything before (crc) followed by data."""
    return _fastcrc.xz(data, crc)
