"""The users of a file's selection, as getImportFileData lists them, written once by the
preparation as JSON beside the file: 100,000 users are then a few megabytes read in one go,
rather than 100,000 staged records read, shaped and serialized on every call."""

import json

from app.models import import_files

MAX_BYTES = 1 << 30  # far beyond what 4 billion rows of a dozen short fields could need


def first(values):
    """Return the first of a list of values, or None."""
    return (values or [None])[0]


def user_entry(data):
    """Return a staged user as Rocket.Chat's selection shows it."""
    return {
        "user_id": first(data.get("importIds")),
        "username": data.get("username"),
        "email": first(data.get("emails")),
        "is_deleted": bool(data.get("deleted")),
        "is_bot": data.get("type") == "bot",
        "do_import": True,
        "is_email_taken": False,  # as Rocket.Chat: the run tells, and import.errors lists it
    }


def entries_json(datas):
    """Return the JSON of these users' entries, without the brackets ("" for none), written
    as the API writes JSON (compact, UTF-8)."""
    entries = [user_entry(data) for data in datas]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))[1:-1]


class SnapshotWriter:
    """Writes an operation's selection as it is prepared; the snapshot exists once closed."""

    def __init__(self, db, operation_id):
        # A preparation starts again from the file's first byte: so does its snapshot.
        import_files.delete_selections(db, operation_id)
        self._writer = import_files.selection_writer(db, operation_id, MAX_BYTES)
        self._writer.write(b"[")
        self._empty = True

    def add(self, datas):
        """Append the entries of a batch of staged users."""
        text = entries_json(datas)
        if text:
            self._writer.write((text if self._empty else "," + text).encode())
            self._empty = False

    def close(self):
        """Finish the snapshot."""
        self._writer.write(b"]")
        self._writer.close()

    def abort(self):
        """Delete what was written."""
        self._writer.abort()


def stored(db, operation_id):
    """Return the JSON array of an operation's selection snapshot, or None without one."""
    return import_files.read_selection(db, operation_id)
