"""The error report: every user that was not created, with its line and the reason."""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass

COLUMNS = ("line", "username", "emails", "importIds", "reason")
FORMATS = ("csv", "json")


@dataclass
class Failure:
    """A user that was not created: where it is in the file, who it is, and why."""

    line: int | None
    user: object
    reason: str

    def row(self):
        """Return the report's fields; never a password."""
        user = self.user if isinstance(self.user, dict) else {}
        return {
            "line": self.line,
            "username": _text(user.get("username")),
            "emails": _values(user.get("emails")),
            "importIds": _values(user.get("importIds")),
            "reason": self.reason,
        }


def _text(value):
    return "" if value is None else str(value)


def _values(value):
    return [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]


def format_of(path, asked=None):
    """Return the report format: the one asked for, else `json` for a .json path, else csv."""
    return asked or ("json" if str(path).lower().endswith(".json") else "csv")


def write(path, failures, fmt):
    """Write the failures, in file order, as CSV (lists joined with ;) or as a JSON array."""
    rows = [f.row() for f in sorted(failures, key=_in_file_order)]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        if fmt == "json":
            json.dump(rows, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
            return
        writer = csv.DictWriter(stream, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {**row, "emails": ";".join(row["emails"]), "importIds": ";".join(row["importIds"])}
            )


def _in_file_order(failure):
    return (failure.line is None, failure.line or 0)


def place(refused, checked_records):
    """Return Failures for the server's refused users, each placed on its line of the file.

    `refused` is [(identity, staged user, reason)] in staging order; `checked_records`
    reads the file again. Lines that share an identity are staged in file order and the
    first one that can be created is, so the group's failures are its last lines.
    """
    wanted = defaultdict(list)
    for identity, user, reason in refused:
        wanted[identity].append((user, reason))
    lines = defaultdict(list)
    for checked in checked_records:
        if checked.user is not None and checked.identity() in wanted:
            lines[checked.identity()].append(checked.line)
    failures = []
    for identity, items in wanted.items():
        found = lines.get(identity, [])
        placed = ([None] * len(items) + found)[-len(items) :]
        failures.extend(
            Failure(line, user, reason) for (user, reason), line in zip(items, placed, strict=True)
        )
    return failures
