"""Where a file stops being UTF-8: the exact line and column of its first bad byte.

The reader decodes in chunks, so its error knows neither; the file is read again, as a
stream, only once the reader has failed.
"""

import codecs
import re

CHUNK = 1 << 16
_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends of Python's universal newlines


def first_bad_byte(path):
    """Return (line, column, byte) of the first byte of the file that is not UTF-8, or None.

    Lines end as the reader's do (\\n, \\r\\n or a lone \\r); the column counts characters
    from 1, a leading byte-order mark not among them.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    place = _Place()
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(CHUNK)
            try:
                place.advance(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as error:
                # The decoder's error holds what it kept of the last chunk and this one.
                place.advance(error.object[: error.start].decode("utf-8"))
                return place.line, place.column + 1, error.object[error.start]
            if not chunk:
                return None


class _Place:
    """The line and column reached by the text read so far."""

    def __init__(self):
        self.line, self.column = 1, 0
        self.started = self.after_cr = False

    def advance(self, text):
        """Move past `text`, the next piece of the file's text."""
        if not text:
            return
        if not self.started:
            self.started, text = True, text.removeprefix("\ufeff")
        if self.after_cr and text.startswith("\n"):
            text = text[1:]  # the \n of a \r\n cut between two chunks: one line end
        pieces = _BREAK.split(text)
        self.line += len(pieces) - 1
        self.column = len(pieces[-1]) + (self.column if len(pieces) == 1 else 0)
        self.after_cr = text.endswith("\r")
