"""The error report: every user not created, on its line, with the reason, never a password."""

import csv
import json

import pytest

from app.client import report
from app.client.checks import Checked
from app.client.report import Failure, place

ANN = {"username": "ann", "emails": ["a@x.org", "b@x.org"], "importIds": ["1"], "password": "pw"}


def failures():
    return [
        Failure(9, {"username": "bob", "emails": ["c@x.org"], "importIds": ["2"]}, "email taken"),
        Failure(3, ANN, "utcOffset: must be number"),
        Failure(5, None, "3 values for 2 columns"),
    ]


def test_csv_report_lists_failures_in_file_order(tmp_path):
    path = tmp_path / "errors.csv"
    report.write(path, failures(), "csv")
    assert path.read_text() == (
        "line,username,emails,importIds,part,reason\n"
        "3,ann,a@x.org;b@x.org,1,refused before the import,utcOffset: must be number\n"
        "5,,,,refused before the import,3 values for 2 columns\n"
        "9,bob,c@x.org,2,refused before the import,email taken\n"
    )


def test_json_report_keeps_lists_as_lists(tmp_path):
    path = tmp_path / "errors.json"
    report.write(path, failures(), "json")
    rows = json.loads(path.read_text())
    assert rows[0] == {
        "line": 3,
        "username": "ann",
        "emails": ["a@x.org", "b@x.org"],
        "importIds": ["1"],
        "part": "refused before the import",
        "reason": "utcOffset: must be number",
    }
    assert [row["line"] for row in rows] == [3, 5, 9]


@pytest.mark.parametrize("fmt", report.FORMATS)
def test_a_report_never_holds_a_password(tmp_path, fmt):
    path = tmp_path / f"errors.{fmt}"
    report.write(path, failures(), fmt)
    assert "pw" not in path.read_text() and "password" not in path.read_text()


def test_a_report_reads_back_with_a_csv_reader(tmp_path):
    path = tmp_path / "errors.csv"
    tricky = Failure(2, {"username": 'a,"b"', "emails": [], "importIds": []}, "x\ny")
    report.write(path, [tricky], "csv")
    with open(path, newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert (row["username"], row["reason"]) == ('a,"b"', "x\ny")


@pytest.mark.parametrize(
    "path, asked, fmt",
    [
        ("e.csv", None, "csv"),
        ("e.JSON", None, "json"),
        ("e.txt", None, "csv"),
        ("e.csv", "json", "json"),
    ],
)
def test_the_report_format_follows_the_name_unless_asked(path, asked, fmt):
    assert report.format_of(path, asked) == fmt


def checked(line, username, email="a@x.org", import_id="1"):
    user = {"username": username, "emails": [email], "importIds": [import_id]}
    return Checked(line, user, user=user)


def refused(username, reason, email="a@x.org", import_id="1"):
    user = {"username": username, "emails": [email], "importIds": [import_id]}
    return ((username, (email,), (import_id,)), user, reason)


def test_server_failures_are_placed_on_their_lines():
    lines = [checked(2, "ann", "a@x.org", "1"), checked(3, "bob", "b@x.org", "2")]
    placed = place([refused("bob", "taken", "b@x.org", "2")], lines)
    assert [(f.line, f.reason) for f in placed] == [(3, "taken")]


def test_of_identical_lines_the_later_ones_are_the_failed_ones():
    lines = [checked(2, "ann"), checked(4, "ann"), checked(7, "ann")]
    placed = place([refused("ann", "first dup"), refused("ann", "second dup")], lines)
    assert [(f.line, f.reason) for f in placed] == [(4, "first dup"), (7, "second dup")]


def test_a_failure_not_found_in_the_file_has_no_line():
    placed = place([refused("zed", "taken")], [checked(2, "ann")])
    assert [(f.line, f.user["username"]) for f in placed] == [(None, "zed")]


def test_lines_with_a_problem_are_not_matched():
    bad = Checked(2, {"username": "ann"}, problem="must have required property 'emails'")
    placed = place([refused("ann", "taken")], [bad, checked(5, "ann")])
    assert [f.line for f in placed] == [5]
