"""`<collection>.metadata.json`: mongodump's canonical Extended JSON of options and indexes."""

import json
from urllib.parse import unquote

from bson import json_util

from app.dumps.errors import DumpError

MAX_METADATA_BYTES = 16 * 1024 * 1024
_DATA_SUFFIXES = (".bson.gz", ".bson")
_METADATA_SUFFIXES = (".metadata.json.gz", ".metadata.json")


def parse(raw, where):
    """Return the metadata document of raw bytes or text; where names it in errors."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        document = json_util.loads(text)
    except UnicodeDecodeError as error:
        raise DumpError(f"{where}: metadata is not UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise DumpError(
            f"{where}: metadata is not JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from None
    except (ValueError, TypeError, KeyError) as error:
        raise DumpError(f"{where}: metadata is not Extended JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("indexes", []), list):
        raise DumpError(f"{where}: metadata is not a document with a list of indexes")
    return document


def classify(filename):
    """Return (collection, "data" | "metadata") for a file mongodump writes, else None.

    mongodump escapes characters unsafe in a path with `%` encoding: undone here.
    """
    for suffixes, role in ((_DATA_SUFFIXES, "data"), (_METADATA_SUFFIXES, "metadata")):
        for suffix in suffixes:
            if filename.endswith(suffix) and len(filename) > len(suffix):
                return unquote(filename[: -len(suffix)]), role
    return None


def wanted(collection):
    """Tell whether a collection is restored: not the server's own `system.*` ones."""
    return not collection.startswith("system.")
