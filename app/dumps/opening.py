"""Tell a dump's shape from its bytes (never its name) and open it."""

from pathlib import Path

from app.dumps import archive, directory, tarball, terminal
from app.dumps.errors import DumpError
from app.dumps.source import GZIP_MAGIC, head_of

# The shapes a file can have, each a module with matches(head) and a Dump class;
# a gzip layer under any of them is seen through first.
FILE_SHAPES = ((archive, archive.ArchiveDump), (tarball, tarball.TarDump))
_ZIP_MAGIC = b"PK\x03\x04"


def open_dump(path):
    """Return the Dump at path: a folder, an archive or a tar, each maybe gzipped."""
    path = Path(path)
    if path.is_dir():
        return directory.open_folder(path)
    if not path.is_file():
        raise DumpError(f"{path}: no such file or folder")
    head, gzipped = head_of(path)
    for shape, dump in FILE_SHAPES:
        if shape.matches(head):
            return dump(path, gzipped)
    raise DumpError(_unknown(path, head, gzipped))


def _unknown(path, head, gzipped):
    inside = "gzipped data that is " if gzipped else ""
    if not head:
        return f"{path}: an empty file{' once decompressed' if gzipped else ''}, not a dump"
    at = head.find(archive.MAGIC)
    if at > 0 or terminal.log_line_at(head) is not None:
        where = f" (the archive starts at offset {at:,})" if at > 0 else ""
        return (
            f"{path}: at offset 0: expected the archive magic 6d e2 99 81 or a tar, found "
            f"text{where}; {terminal.HINT}"
        )
    if head.startswith(_ZIP_MAGIC):
        return f"{path}: a zip file: unzip it and give the mongodump folder inside"
    first = " ".join(f"{byte:02x}" for byte in head[:4])
    return (
        f"{path}: {inside}neither a mongodump archive (6d e2 99 81), a tar, nor gzip "
        f"({GZIP_MAGIC.hex(' ')}): it starts with {first}"
    )
