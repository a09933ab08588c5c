"""Upload bodies that stream a file from disk: raw bytes, or Rocket.Chat's base64 JSON body.

Both know their length in advance (requests then sends a Content-Length, which a server
checks against its limit before reading a byte) and read the file in chunks as the socket
takes them, so a file is never held whole in memory, whatever its size.
"""

import base64
import json
import os

CHUNK = 3 * 2**16  # a multiple of 3: base64 of each chunk needs no padding but the last


class _Body:
    """A readable body of known length; `on_sent(sent, total)` is told the file's bytes read."""

    def __init__(self, path, on_sent=None):
        self.path, self.on_sent = path, on_sent or (lambda sent, total: None)
        self.size = os.path.getsize(path)
        self._file = None  # None: not opened yet; False: read to its end
        self._pending = None  # None: nothing read yet
        self._sent = 0

    def __len__(self):
        return self._length()

    def __iter__(self):
        while chunk := self.read(CHUNK):
            yield chunk

    def seek(self, position):
        """Start again from the beginning (a repeated request); only 0 is supported."""
        if position:
            raise ValueError("an upload body can only be rewound to its start")
        self.close()
        self._pending, self._sent = self._prefix(), 0

    def read(self, size=-1):
        """Return up to `size` bytes of the body (at least one unless it has ended)."""
        if self._pending is None:
            self.seek(0)
        size = CHUNK if size is None or size < 0 else size
        while len(self._pending) < size and self._file is not False:
            self._pending += self._next_piece()
        piece, self._pending = self._pending[:size], self._pending[size:]
        return piece

    def close(self):
        """Close the file, if open."""
        if self._file:
            self._file.close()
        self._file = None

    def _next_piece(self):
        if self._file is None:
            self._file = open(self.path, "rb")  # closed at its end, or by seek()
        data = self._file.read(CHUNK)
        if not data:
            self._file.close()
            self._file = False  # ended; seek(0) opens it again
            return self._suffix()
        self._sent += len(data)
        self.on_sent(self._sent, self.size)
        return self._encode(data)

    def _length(self):
        return len(self._prefix()) + self._encoded_size() + len(self._suffix())

    def _prefix(self):
        return b""

    def _suffix(self):
        return b""

    def _encoded_size(self):
        return self.size

    def _encode(self, data):
        return data


class RawBody(_Body):
    """The file's bytes as they are (the streamed upload)."""


class Base64JsonBody(_Body):
    """Rocket.Chat's `{contentType, fileName, importerKey, binaryContent}`, base64 streamed."""

    def __init__(self, path, fields, on_sent=None):
        super().__init__(path, on_sent)
        # ASCII JSON, so that characters and bytes are the same count.
        head = json.dumps(fields, ensure_ascii=True)[:-1]
        self._head = (head + (", " if fields else "") + '"binaryContent": "').encode()

    def _prefix(self):
        return self._head

    def _suffix(self):
        return b'"}'

    def _encoded_size(self):
        return (self.size + 2) // 3 * 4

    def _encode(self, data):
        return base64.b64encode(data)
