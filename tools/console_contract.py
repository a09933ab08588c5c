"""Write what the console's JavaScript takes from the Python side, so that it copies nothing:

- app/console/static/contract.js, the constants of app/contract (states, rules, columns,
  invitations...);
- tests/golden/users-files.json, what the importer's reader and checks make of the files in
  tests/data, which the console's reader must match (tests/console/*.test.js);
- tests/golden/not-utf8.json, files with a byte that is not UTF-8 (as recipes) and what the
  importer's reader says of each: the line, the column and the advice;
- tests/golden/reconciliation.json, the command line's reconciliation of operation counts
  (parts and summary) and its error report of a few failures (CSV and JSON text), which
  the console's reconcile.js and report.js must give word for word.

python tools/console_contract.py          # rewrite both files
python tools/console_contract.py --check  # exit 1 if either is out of date (the tests do this)
"""

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.client import report  # noqa: E402
from app.client.checks import check  # noqa: E402
from app.client.sources import InputError, Source  # noqa: E402
from app.contract import (  # noqa: E402
    columns,
    files,
    invitations,
    reconciliation,
    rules,
    states,
    sync,
)

MODULES = {
    "states": states,
    "rules": rules,
    "columns": columns,
    "files": files,
    "reconciliation": reconciliation,
    "invitations": invitations,
    "sync": sync,
}
DATA_FILES = ("crafted.csv", "crafted.jsonl", "people-2000.csv", "channels.csv")
CONTRACT_JS = ROOT / "app" / "console" / "static" / "contract.js"
USERS_FILES_GOLDEN = ROOT / "tests" / "golden" / "users-files.json"
NOT_UTF8_GOLDEN = ROOT / "tests" / "golden" / "not-utf8.json"
RECONCILIATION_GOLDEN = ROOT / "tests" / "golden" / "reconciliation.json"
# A users file of fixed-width lines ({n}: the line's number, 5 digits), so that a byte's
# offset in the file is easy to place: on a chunk boundary of a reader, say.
HEADER, ROW, ROWS = "username,email,importId", "user{n},user{n}@example.org,{n}", 2000
SMALL = 50  # records: a file this small has its users in full in the golden

CONTRACT_HEAD = """\
// What the server shares with its clients, for the console: generated from app/contract by
// tools/console_contract.py. Do not edit: change the Python, then run
// `python tools/console_contract.py` (a test fails while this file is out of date).

// Frozen all the way down, as the Python tuples are: no module can change the contract.
const frozen = (value) => {
  if (value !== null && typeof value === "object") Object.values(value).forEach(frozen);
  return Object.freeze(value);
};
"""


def constants(module):
    """Return a module's public constants (UPPER_CASE names, JSON values), in order."""
    return {
        name: value
        for name, value in vars(module).items()
        if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
        and isinstance(value, str | int | float | bool | tuple | list | dict)
    }


def contract_module():
    """Return app/console/static/contract.js: one frozen object per module of app/contract."""
    parts = [CONTRACT_HEAD]
    for name, module in MODULES.items():
        body = json.dumps(constants(module), indent=2, ensure_ascii=False)
        parts.append(f"// app/contract/{name}.py\nexport const {name} = frozen({body});\n")
    return "\n".join(parts)


def users_files_golden():
    """Return tests/golden/users-files.json: what the reader and the checks make of each file.

    Per file: each record's line, the reader's problems and the checks' by line, and a digest
    of the users read; a small file's users in full too, so that a difference shows where.
    """
    files = {}
    for name in DATA_FILES:
        records = list(Source(ROOT / "tests" / "data" / name).records())
        checked = [check(record) for record in records]
        users = [record.user for record in records]
        files[name] = {
            "lines": [record.line for record in records],
            "problems": {r.line: r.problem for r in records if r.problem},
            "checked": {c.line: c.problem for c in checked if c.problem},
            "users_sha256": hashlib.sha256(_compact(users).encode()).hexdigest(),
        }
        if len(records) <= SMALL:
            files[name]["users"] = users
            files[name]["checked_users"] = {c.line: c.user for c in checked if c.user}
    return json.dumps(files, indent=1, ensure_ascii=False) + "\n"


def _compact(value):
    # As JavaScript's JSON.stringify writes it (the node tests hash the same text).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def not_utf8_cases():
    """Return the recipes of files with a bad byte: on lines 1 to 1000, and straddling the
    8 KiB chunks of Python's text reader and the 64 KiB of the client's second reading."""
    cases = [
        {"name": f"line {line}", "line": line, "at": 3, "insert": "e9"}
        for line in (1, 2, 5, 100, 451, 1000)
    ]
    for boundary in (8192, 65536):
        # A lead byte just before the boundary, its (wrong) continuation just after.
        cases.append({"name": f"straddling {boundary}", **_at_offset(boundary - 1), "insert": "c3"})
        # A good two-byte character across it, then a bad byte further on the line.
        good = _at_offset(boundary - 1)
        cases.append({"name": f"after a character across {boundary}", **good, "insert": "c3a9e9"})
    return cases


def _at_offset(offset):
    """Return {line, at}: where in the recipe's lines a byte offset is (not on line 1)."""
    width = len(ROW.format(n="00000")) + 1
    line, at = divmod(offset - len(HEADER) - 1, width)
    return {"line": line + 2, "at": at}


def recipe_bytes(case):
    """Return the bytes of a recipe: the lines, with `insert` at column `at` of `line`."""
    lines = [HEADER, *(ROW.format(n=f"{n:05d}") for n in range(2, ROWS + 1))]
    text = lines[case["line"] - 1]
    raw = text[: case["at"]].encode() + bytes.fromhex(case["insert"]) + text[case["at"] :].encode()
    encoded = [line.encode() for line in lines]
    encoded[case["line"] - 1] = raw
    return b"\n".join(encoded) + b"\n"


def not_utf8_golden():
    """Return tests/golden/not-utf8.json: each recipe and what the reader says of its file."""
    cases = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "users.csv"
        for case in not_utf8_cases():
            path.write_bytes(recipe_bytes(case))
            try:
                list(Source(path).records())
                message = None
            except InputError as error:
                message = str(error)
            cases.append({**case, "message": message})
    recipe = {"header": HEADER, "row": ROW, "rows": ROWS}
    return json.dumps({"recipe": recipe, "cases": cases}, indent=1) + "\n"


# Operation counts and what the client knows of a run: the 2,000-line file, a
# Rocket.Chat Slack operation (channels and messages in its counters), a cancelled run,
# updated users, nothing run, and counts a newer server may send as floats or leave out.
# Operations as import.status answers them: Rocket.Chat's (count only, channels and
# messages counted too) and this service's (userCounts, created and updated apart).
RECONCILIATIONS = (
    ({"count": {"total": 1996, "users": 1996, "completed": 1993, "error": 3}}, {"refused": 4}),
    ({"count": {"total": 49, "users": 10, "channels": 4, "messages": 35, "completed": 39}}, {}),
    ({"count": {"total": 10, "users": 10, "completed": 12, "error": 3}}, {"unselected": 2}),
    ({"count": {"total": 500, "completed": 200, "error": 10}}, {"sent": 500, "refused": 1}),
    (
        {
            "importerKey": "csv",
            "count": {"total": 5, "users": 3, "channels": 1, "messages": 1, "completed": 3},
            "userCounts": {"selected": 3, "created": 2, "updated": 1, "failed": 0},
        },
        {},
    ),
    (
        {
            "importerKey": "slack-users",
            "count": {"total": 2, "users": 2, "completed": 0, "error": 0},
            "userCounts": {"selected": 2, "created": 0, "updated": 0, "failed": 0},
        },
        {},
    ),
    (
        {"count": {"total": 2000}, "userCounts": {"selected": 2000, "created": 1990, "failed": 3}},
        {"refused": 1},
    ),
    (None, {"refused": 3}),
    ({"count": {"total": 1.0, "completed": 1.0}}, {}),
    ({}, {}),
)
# What a run did to rooms, in the command line's words (rooms_sentence) and the console's.
ROOM_RUNS = (
    {
        "importerKey": "csv",
        "userCounts": {"selected": 5, "created": 5, "updated": 0, "failed": 0},
        "roomCounts": {
            "created": 2,
            "existing": 0,
            "joined": 10,
            "unknownMembers": ["ghost"],
            "unknownMemberCount": 1,
        },
    },
    {
        "userCounts": {"selected": 3000, "created": 2999, "failed": 1},
        "roomCounts": {
            "created": 0,
            "existing": 1,
            "joined": 9001,
            "unknownMembers": ["a", "b"],
            "unknownMemberCount": 1200,
        },
    },
    {"userCounts": {"selected": 1, "created": 0}, "roomCounts": {"joined": 1}},
    {"userCounts": {"selected": 2, "created": 2}, "roomCounts": {"created": 0, "joined": 0}},
    {"count": {"total": 3, "completed": 3}},
    None,
)
REPORT_FAILURES = (
    report.Failure(9, {"username": "bob", "emails": ["c@x.org"], "importIds": ["2"]}, "taken"),
    report.Failure(
        3,
        {
            "username": "=ann",
            "emails": ["a@x.org", "b@x.org"],
            "importIds": ["1"],
            "password": "pw",
        },
        'utcOffset: must be "number", here',
    ),
    report.Failure(None, {"username": "zoë", "emails": ["z@x.org"]}, "failed\nat once", "failed"),
    report.Failure(5, None, "3 values for 2 columns"),
)


def reconciliation_golden():
    """Return tests/golden/reconciliation.json: parts and summaries, and one error report."""
    cases = []
    for operation, known in RECONCILIATIONS:
        reconciled = reconciliation.reconcile(operation, **known)
        summary = reconciliation.sentence(reconciled)
        cases.append({"operation": operation, "known": known, **reconciled, "sentence": summary})
    rows = [f.row() for f in sorted(REPORT_FAILURES, key=report._in_file_order)]
    failures = {"rows": rows, "csv": report.as_csv(rows), "json": report.as_json(rows)}
    rooms = [
        {"operation": operation, "sentence": reconciliation.rooms_sentence(operation)}
        for operation in ROOM_RUNS
    ]
    golden = {"cases": cases, "report": failures, "rooms": rooms}
    return json.dumps(golden, indent=1, ensure_ascii=False) + "\n"


TARGETS = {
    CONTRACT_JS: contract_module,
    USERS_FILES_GOLDEN: users_files_golden,
    NOT_UTF8_GOLDEN: not_utf8_golden,
    RECONCILIATION_GOLDEN: reconciliation_golden,
}


def main(argv):
    """Rewrite the out-of-date targets, or (--check) list them and exit 1."""
    stale = [path for path, make in TARGETS.items() if not _current(path, make())]
    for path in stale:
        where = path.relative_to(ROOT)
        if "--check" in argv:
            print(f"{where} is out of date: run python tools/console_contract.py")
        else:
            path.write_text(TARGETS[path](), encoding="utf-8")
            print(f"wrote {where}")
    return 1 if stale and "--check" in argv else 0


def _current(path, text):
    return path.exists() and path.read_text(encoding="utf-8") == text


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
