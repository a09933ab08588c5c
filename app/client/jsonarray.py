"""Read the items of a JSON array one at a time, with their line numbers, without loading it."""

import json
import re

CHUNK = 1 << 16
# An item may span chunks; one larger than this is taken for a syntax error rather than
# read on to the end of the file.
MAX_ITEM = 1 << 24
_SPACE = re.compile(r"[ \t\n\r]*")


class JsonSyntaxError(ValueError):
    """The text is not a JSON array of values; `line` says where."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


class _Text:
    """A window on a text stream: `pos` in `text` is on line `line` of the stream."""

    def __init__(self, stream):
        self.stream, self.text, self.pos, self.line = stream, "", 0, 1
        self.eof = False

    def more(self):
        """Append the next chunk, dropping what was consumed; tell whether there was one."""
        chunk = "" if self.eof else self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.text, self.pos = self.text[self.pos :] + chunk, 0
        return True

    def advance(self, to):
        """Move pos to `to`, counting the lines passed."""
        self.line += self.text.count("\n", self.pos, to)
        self.pos = to

    def peek(self):
        """Skip white space; return the next character, or "" at the end of the stream."""
        while True:
            self.advance(_SPACE.match(self.text, self.pos).end())
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos : self.pos + 1]

    def value(self, decoder):
        """Decode the value at pos; return (its line, the value)."""
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if len(self.text) - self.pos < MAX_ITEM and self.more():
                    continue  # the value may just be cut by the chunk's end
                line = self.line + self.text.count("\n", self.pos, error.pos)
                raise JsonSyntaxError(line, error.msg) from None
            # A value reaching the window's end (a number) may go on in the next chunk.
            if end == len(self.text) and self.more():
                continue
            line = self.line
            self.advance(end)
            return line, value


def iter_array(stream):
    """Yield (line, item) for each item of the JSON array in a text stream."""
    text, decoder = _Text(stream), json.JSONDecoder()
    if text.peek() != "[":
        raise JsonSyntaxError(text.line, "expected a JSON array, starting with '['")
    text.advance(text.pos + 1)
    if text.peek() == "]":
        text.advance(text.pos + 1)
    else:
        while True:
            yield text.value(decoder)
            separator = text.peek()
            text.advance(text.pos + 1)
            if separator == "]":
                break
            if separator != ",":
                raise JsonSyntaxError(text.line, "expected ',' or ']' after an item")
            text.peek()  # so that an error in the next item names its own line
    if text.peek():
        raise JsonSyntaxError(text.line, "unexpected text after the array")
