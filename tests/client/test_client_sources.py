"""The importer's input files: CSV with a header, Rocket.Chat's users.csv, JSON, JSON Lines."""

import json
import tracemalloc

import pytest

from app.client import jsonarray
from app.client.sources import InputError, Source


def read(tmp_path, text, name="users.csv", encoding="utf-8", **options):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return [(r.line, r.user, r.problem) for r in Source(path, **options).records()]


def users(tmp_path, text, name="users.csv", **options):
    return [user for _, user, _ in read(tmp_path, text, name, **options)]


def test_csv_columns_map_to_user_fields(tmp_path):
    text = (
        "username,email,importId,name,password,role,utcOffset,avatarUrl,deleted,"
        "statusText,type,bio\nann,a@x.org,1,Ann Lee, s3cret ,admin,-3,http://a/b.png,"
        "false,busy,user,hi\n"
    )
    assert users(tmp_path, text) == [
        {
            "username": "ann",
            "emails": ["a@x.org"],
            "importIds": ["1"],
            "name": "Ann Lee",
            "password": " s3cret ",
            "roles": ["admin"],
            "utcOffset": "-3",
            "avatarUrl": "http://a/b.png",
            "deleted": "false",
            "statusText": "busy",
            "type": "user",
            "bio": "hi",
        }
    ]


@pytest.mark.parametrize(
    "header",
    ["Username,E-mail,Import ID", "USERNAME,emails,import_ids", " username , Email , importIds "],
)
def test_header_names_ignore_case_spaces_dashes_and_underscores(tmp_path, header):
    assert users(tmp_path, f"{header}\nann,a@x.org,1\n") == [
        {"username": "ann", "emails": ["a@x.org"], "importIds": ["1"]}
    ]


def test_repeated_columns_add_up(tmp_path):
    text = "email,email,importId,role,role\na@x.org,b@x.org,1,user,bot\n"
    assert users(tmp_path, text) == [
        {"emails": ["a@x.org", "b@x.org"], "importIds": ["1"], "roles": ["user", "bot"]}
    ]


def test_separated_values_in_one_cell(tmp_path):
    text = 'emails,importIds,roles\n"a@x.org; b@x.org",1;2,user;;bot\n'
    assert users(tmp_path, text) == [
        {"emails": ["a@x.org", "b@x.org"], "importIds": ["1", "2"], "roles": ["user", "bot"]}
    ]


def test_the_separator_can_be_chosen(tmp_path):
    text = 'emails,importIds\n"a@x.org|b@x.org",1;2\n'
    assert users(tmp_path, text, separator="|") == [
        {"emails": ["a@x.org", "b@x.org"], "importIds": ["1;2"]}
    ]


def test_the_delimiter_can_be_chosen(tmp_path):
    assert users(tmp_path, "email;importId\na@x.org;1\n", delimiter=";") == [
        {"emails": ["a@x.org"], "importIds": ["1"]}
    ]


def test_empty_cells_are_left_out_but_required_lists_stay_empty(tmp_path):
    assert users(tmp_path, "username,email,importId,name,roles\n,,,Nobody,\nbob,b@x.org,2\n") == [
        {"emails": [], "importIds": [], "name": "Nobody"},
        {"username": "bob", "emails": ["b@x.org"], "importIds": ["2"]},
    ]


def test_rows_of_empty_cells_are_skipped_as_spreadsheets_leave_them(tmp_path):
    assert read(tmp_path, "email,importId\na@x.org,1\n,\n , \n") == [
        (2, {"emails": ["a@x.org"], "importIds": ["1"]}, None)
    ]


def test_records_carry_the_line_they_start_on(tmp_path):
    text = 'name,email,importId\n"Ann\nLee",a@x.org,1\n\n\nBob,b@x.org,2\n'
    assert [line for line, _, _ in read(tmp_path, text)] == [2, 6]


def test_a_row_with_too_many_values_is_a_problem_of_its_line(tmp_path):
    records = read(tmp_path, "email,importId\na@x.org,1,oops\nb@x.org,2\n")
    assert records[0] == (2, {"emails": ["a@x.org"], "importIds": ["1"]}, "3 values for 2 columns")
    assert records[1][2] is None


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_or_without_a_bom(tmp_path, bom):
    text = bom + "username,email,importId\nzoë,z@x.org,1\n".encode()
    assert users(tmp_path, text)[0]["username"] == "zoë"


def test_rocketchat_users_csv_has_no_header(tmp_path):
    text = "john.doe, john@x.org ,John Doe\njane,jane@x.org,Jane\n"
    assert users(tmp_path, text) == [
        {
            "type": "user",
            "importIds": ["john.doe"],
            "emails": ["john@x.org"],
            "username": "john.doe",
            "name": "John Doe",
        },
        {
            "type": "user",
            "importIds": ["jane"],
            "emails": ["jane@x.org"],
            "username": "jane",
            "name": "Jane",
        },
    ]


def test_rocketchat_users_csv_needs_three_values(tmp_path):
    assert read(tmp_path, "john,john@x.org\n") == [
        (1, None, "2 values where username,email,name are expected")
    ]


def test_the_rocketchat_format_can_be_forced(tmp_path):
    # A user named "name" would otherwise look like a header row.
    text = "name,name@x.org,Name\n"
    assert users(tmp_path, text, fmt="rocketchat-csv")[0]["username"] == "name"


def test_an_unknown_column_stops_reading(tmp_path):
    with pytest.raises(InputError) as raised:
        read(tmp_path, "username,email,department\nann,a@x.org,R&D\n")
    assert raised.value.line == 1
    assert "column 3 'department' is not a user field" in str(raised.value)


def test_a_repeated_single_value_column_stops_reading(tmp_path):
    with pytest.raises(InputError, match="column 'name' appears twice"):
        read(tmp_path, "name,email,name\na,a@x.org,b\n")


def test_broken_quoting_stops_reading_at_its_line(tmp_path):
    with pytest.raises(InputError) as raised:
        read(tmp_path, 'email,importId\na@x.org,1\n"b@x.org,2\n')
    assert raised.value.line == 3
    assert "not valid CSV" in str(raised.value)


def test_text_that_is_not_utf8_stops_reading(tmp_path):
    with pytest.raises(InputError, match="line 2: byte 0xe9 at column 1 is not UTF-8"):
        read(tmp_path, "email,importId\né@x.org,1\n", encoding="latin-1")


def test_json_array_items_carry_their_lines(tmp_path):
    text = '[\n  {"emails": ["a@x.org"], "importIds": ["1"]},\n  {"emails": ["b@x.org"],\n'
    text += '   "importIds": ["2"]}\n]\n'
    assert read(tmp_path, text, name="u.json") == [
        (2, {"emails": ["a@x.org"], "importIds": ["1"]}, None),
        (3, {"emails": ["b@x.org"], "importIds": ["2"]}, None),
    ]


def test_json_array_items_split_across_chunks_are_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonarray, "CHUNK", 7)
    people = [{"emails": [f"p{n}@x.org"], "importIds": [str(n)], "utcOffset": n} for n in range(50)]
    text = "[\n" + ",\n".join(json.dumps(p) for p in people) + "\n]"
    records = read(tmp_path, text, name="u.json")
    assert [user for _, user, _ in records] == people
    assert [line for line, _, _ in records] == list(range(2, 52))


@pytest.mark.parametrize(
    "text, line, message",
    [
        ('{"emails": []}', 1, "expected a JSON array"),
        ('[\n{"emails": []},\n{oops}\n]', 3, "Expecting property name"),
        ('[\n{"a": 1}\n{"b": 2}]', 3, "expected ',' or ']'"),
        ('[{"a": 1}]\n[]', 2, "unexpected text after the array"),
        ('[{"a": 1},', 1, "Expecting value"),
    ],
)
def test_a_json_syntax_error_stops_reading_at_its_line(tmp_path, text, line, message):
    with pytest.raises(InputError, match=message) as raised:
        read(tmp_path, text, name="u.json", fmt="json")
    assert raised.value.line == line


def test_json_lines_are_read_one_per_line(tmp_path):
    text = '{"emails": ["a@x.org"]}\n\n{not json}\n["x"]\n'
    assert read(tmp_path, text, name="u.jsonl") == [
        (1, {"emails": ["a@x.org"]}, None),
        (3, None, "not JSON (Expecting property name enclosed in double quotes at column 2)"),
        (4, ["x"], None),
    ]


@pytest.mark.parametrize(
    "name, text, fmt",
    [
        ("u.jsonl", '{"a": 1}\n', "jsonl"),
        ("u.ndjson", '{"a": 1}\n', "jsonl"),
        ("u.json", '  [{"a": 1}]', "json"),
        ("u.json", '{"a": 1}\n{"a": 2}\n', "jsonl"),
        ("u.csv", "email\n", "csv"),
        ("u.txt", "email\n", "csv"),
    ],
)
def test_the_format_is_guessed_from_the_name_and_the_first_character(tmp_path, name, text, fmt):
    path = tmp_path / name
    path.write_text(text)
    assert Source(path).format() == fmt


def test_a_large_file_is_streamed_not_loaded(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "w") as stream:
        for n in range(20_000):
            stream.write(json.dumps({"emails": [f"p{n}@example.org"], "importIds": [str(n)]}))
            stream.write("\n")
    assert path.stat().st_size > 1_000_000
    tracemalloc.start()
    try:
        read_count = sum(1 for _ in Source(path).records())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read_count == 20_000
    assert peak < 200_000
