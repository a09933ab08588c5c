"""bulk-import-users --dry-run --against DUMP: every collision with the dump's users, by line."""

import json

from click.testing import CliRunner

from app.client.main import main
from tests.support import dumps
from tests.support.apps import make_app
from tests.support.dumps import make

USERS = [
    *dumps.COLLIDING_USERS,
    {"username": "twin", "emails": ["Newcomer@example.org"], "importIds": ["n-5"]},
    {"username": "broken", "importIds": ["n-6"]},
    {"username": "NEWCOMER", "emails": ["fresh2@example.org"], "importIds": ["n-7"]},
    # refused for its email above, line 3 holds nothing: its username is free
    {"username": "FRESH", "emails": ["fresh3@example.org"], "importIds": ["n-8"]},
    {"username": "last", "emails": ["last@example.org"], "importIds": ["n-1"]},
]


def dry_run(tmp_path, *options, users=USERS, shape="tar.gz"):
    dump = make(shape, tmp_path, {"parties": dumps.rocketchat(users=4)})
    file = tmp_path / "people.jsonl"
    file.write_text("".join(json.dumps(user) + "\n" for user in users))
    report = tmp_path / "report.csv"
    args = ["--dry-run", "--against", str(dump), *options, "--report", str(report), str(file)]
    return CliRunner().invoke(main, args), file, dump


def test_every_collision_is_listed_with_its_line(tmp_path):
    result, file, dump = dry_run(tmp_path)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:7] == [
        f"{file}:2: username already in use: USER_1 (in {dump})",
        f"{file}:3: email already in use: User_2@Example.ORG (in {dump})",
        f"{file}:4: already imported: importId old-user_3 belongs to user user0000000000003ab "
        f"(in {dump})",
        f"{file}:5: email already in use: Newcomer@example.org (by line 1 of this file)",
        f"{file}:6: must have required property 'emails'",
        f"{file}:7: username already in use: NEWCOMER (by line 1 of this file)",
        f"{file}:9: importId already in use: n-1 (by line 1 of this file)",
    ]
    assert lines[7].startswith("Dry run: 9 users read, 7 with problems; nothing was sent.")
    assert f"checked against the users of {dump}" in lines[7]
    assert (tmp_path / "report.csv").read_text().count("\n") == 8


def test_a_file_with_no_collision_passes(tmp_path):
    result, _, _ = dry_run(tmp_path, users=USERS[:1], shape="archive")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Dry run: 1 user read, 0 with problems")


def test_against_needs_dry_run(tmp_path):
    dump = make("archive", tmp_path, {"rocketchat": dumps.rocketchat()})
    file = tmp_path / "people.jsonl"
    file.write_text(json.dumps(USERS[0]) + "\n")
    result = CliRunner().invoke(main, ["--against", str(dump), str(file)])
    assert result.exit_code == 2
    assert "--against works with --dry-run" in result.output


def test_a_bad_dump_stops_the_dry_run(tmp_path):
    bad = tmp_path / "db.dump"
    bad.write_bytes(
        dumps.archive({"rocketchat": dumps.rocketchat()}, crc_of={"rocketchat.users": 3})
    )
    file = tmp_path / "people.jsonl"
    file.write_text(json.dumps(USERS[0]) + "\n")
    result = CliRunner().invoke(main, ["--dry-run", "--against", str(bad), str(file)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: --against: {bad}: at offset ")
    assert "wrong CRC-64 for rocketchat.users" in result.output


def test_db_chooses_among_several_rocketchat_databases(tmp_path):
    dump = make("folder", tmp_path, {"a": dumps.rocketchat(), "b": dumps.rocketchat(users=1)})
    file = tmp_path / "people.jsonl"
    file.write_text(json.dumps(USERS[1]) + "\n")
    several = CliRunner().invoke(main, ["--dry-run", "--against", str(dump), str(file)])
    assert several.exit_code == 2 and "choose one with --db NAME" in several.output
    only_admin = CliRunner().invoke(
        main, ["--dry-run", "--against", str(dump), "--db", "b", str(file)]
    )
    assert only_admin.exit_code == 0, only_admin.output


def test_the_dry_run_names_the_very_users_the_import_then_refuses(tmp_path):
    result, file, dump = dry_run(tmp_path)
    predicted = {}
    for line in result.output.splitlines():
        if line.startswith(f"{file}:") and ("in use" in line or "already imported" in line):
            number, reason = line[len(f"{file}:") :].split(": ", 1)
            predicted[USERS[int(number) - 1]["username"]] = reason.rsplit(" (", 1)[0]
    valid = [user for user in USERS if user.get("emails")]
    client, headers = dumps.import_users(make_app(EXPORT_DIR=str(dump)), valid)
    refused = client.get("/api/v1/import.errors", headers=headers).json["users"]
    found = {user["data"]["username"]: user["errors"][0]["message"] for user in refused}
    assert found.keys() == predicted.keys() and len(found) == 6
    # the same words for the dump's users; an earlier line is named by line, not user id
    assert [found[name] == predicted[name] for name in found].count(False) == 1
    assert found["last"].startswith("already imported: importId n-1 belongs to user ")
