"""The error report: every user that was not created, with its line, its part and the reason.

One format for the command line and the console (app/contract/reconciliation.py): the
columns line, username, emails, importIds, part, reason; lists joined with `;` in CSV.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from app.contract.reconciliation import FORMULA_STARTS, LIST_SEPARATOR, PARTS, REPORT_COLUMNS

COLUMNS = REPORT_COLUMNS
FORMATS = ("csv", "json")


@dataclass
class Failure:
    """A user that was not created: where it is in the file, who it is, and why.

    `part` is its part of the reconciliation: refused (before the import) or failed (in
    the run).
    """

    line: int | None
    user: object
    reason: str
    part: str = "refused"

    def row(self):
        """Return the report's fields; never a password."""
        user = self.user if isinstance(self.user, dict) else {}
        return {
            "line": self.line,
            "username": _text(user.get("username")),
            "emails": _values(user.get("emails")),
            "importIds": _values(user.get("importIds")),
            "part": PARTS[self.part],
            "reason": self.reason,
        }


def _text(value):
    return "" if value is None else str(value)


def _values(value):
    if value is None:
        return []
    return [_text(v) for v in value] if isinstance(value, list | tuple) else [_text(value)]


def format_of(path, asked=None):
    """Return the report format: the one asked for, else `json` for a .json path, else csv."""
    return asked or ("json" if str(path).lower().endswith(".json") else "csv")


def write(path, failures, fmt):
    """Write the failures, in file order, as CSV or as a JSON array."""
    rows = [f.row() for f in sorted(failures, key=_in_file_order)]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write(as_json(rows) if fmt == "json" else as_csv(rows))


def as_json(rows):
    """Return report rows as a JSON array (the console's Download as JSON writes the same)."""
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def as_csv(rows):
    """Return report rows as CSV, lists joined, formulas defused (the console's the same)."""
    lines = [",".join(COLUMNS)]
    for row in rows:
        cells = [
            LIST_SEPARATOR.join(row[c]) if isinstance(row[c], list) else _text(row[c])
            for c in COLUMNS
        ]
        lines.append(",".join(_cell(cell) for cell in cells))
    return "\n".join(lines) + "\n"


def _cell(text):
    if text.startswith(tuple(FORMULA_STARTS)):
        text = "'" + text
    if any(c in text for c in '",\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


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
            Failure(line, user, reason, "failed")
            for (user, reason), line in zip(items, placed, strict=True)
        )
    return failures
