"""The one error of the dump reader."""

from app.dumps.export import ExportError


class DumpError(ExportError):
    """A dump that cannot be read, with the file and, inside a stream, the offset at fault.

    An ExportError, so that whoever reported a bad mongoexport folder reports a bad dump.
    """
