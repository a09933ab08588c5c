"""The `slack-users` importer: Slack's member list, one user per row, known by e-mail."""

import io

import pytest

from app.importers import find
from app.importers.base import PREPARING_USERS, ImportFileError, Step, Users
from tests.support import importfiles
from tests.support.importfiles import BAD_SLACK_LISTS, SLACK_HEADER, limits, slack_csv, staged_users

SLACK = find("slack-users")


def prepare(data, batch_size=500):
    return list(SLACK.prepare(io.BytesIO(data), limits(), batch_size))


def failure(data):
    with pytest.raises(ImportFileError) as raised:
        prepare(data)
    return str(raised.value)


def member(status="Member", username="ann", email="ann@example.com", full="Ann A", display="ann"):
    row = f"{username},{email},{status},Active,false,false,U1,{full},{display},"
    return f"{SLACK_HEADER}\n{row}\n".encode()


# --- at upload ------------------------------------------------------------------------


def test_check_head_accepts_a_member_list():
    SLACK.check_head(slack_csv(3))


@pytest.mark.parametrize(
    "head, message",
    [
        (importfiles.users_zip()[:4096], "the file is a zip (a zip goes to the CSV importer)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary (it holds NUL bytes)"),
        (SLACK_HEADER.encode("utf-16"), "the file is UTF-16 text, save it as CSV UTF-8"),
    ],
    ids=["zip", "binary", "utf-16"],
)
def test_check_head_refuses_a_zip_or_a_binary_file(head, message):
    with pytest.raises(ImportFileError) as raised:
        SLACK.check_head(head)
    assert str(raised.value) == f"this importer reads Slack's member list, a .csv file; {message}"


# --- members -------------------------------------------------------------------------------


def test_a_member_is_staged_with_the_email_as_import_id():
    assert staged_users(prepare(member())) == [
        {
            "type": "user",
            "importIds": ["ann@example.com"],
            "emails": ["ann@example.com"],
            "username": "ann",
            "name": "Ann A",
        }
    ]


def test_the_header_row_is_skipped_and_preparation_announces_the_users_step():
    events = prepare(slack_csv(3))
    assert events[0] == Step(PREPARING_USERS)
    assert [u["username"] for u in staged_users(events)] == ["member0", "member1", "member2"]


@pytest.mark.parametrize(
    "status, extra",
    [
        ("Admin", {"roles": ["admin"]}),
        ("Bot", {"roles": ["bot"], "type": "bot"}),
        ("Deactivated", {"deleted": True}),
        ("Owner", {}),
        ("Primary Owner", {}),
        ("Member", {}),
        ("Multi-Channel Guest", {}),
        ("Single-Channel Guest", {}),
    ],
)
def test_a_slack_status_maps_as_rocket_chat_maps_it(status, extra):
    (user,) = staged_users(prepare(member(status)))
    plain = {"type": "user", "importIds": ["ann@example.com"], "emails": ["ann@example.com"]}
    assert user == plain | {"username": "ann", "name": "Ann A"} | extra


@pytest.mark.parametrize(
    "full, display, name",
    [("Ann A", "annie", "Ann A"), ("", "annie", "annie"), ("", "", "ann")],
)
def test_the_name_is_the_full_name_else_the_display_name_else_the_username(full, display, name):
    (user,) = staged_users(prepare(member(full=full, display=display)))
    assert user["name"] == name


def test_members_without_an_email_are_dropped_not_counted():
    events = prepare(slack_csv(6, without_email=(1, 4)))
    assert [u["username"] for u in staged_users(events)] == [
        "member0",
        "member2",
        "member3",
        "member5",
    ]


def test_members_come_in_batches_of_at_most_batch_size():
    events = prepare(slack_csv(7), batch_size=3)
    assert [len(e.records) for e in events if isinstance(e, Users)] == [3, 3, 1]


def test_columns_are_found_by_the_names_of_the_header():
    data = b"email,username,fullname\nann@example.com,ann,Ann A\n"
    (user,) = staged_users(prepare(data))
    assert (user["username"], user["emails"], user["name"]) == ("ann", ["ann@example.com"], "Ann A")


def test_columns_missing_from_the_header_are_empty():
    (user,) = staged_users(prepare(b"username,email\nann,ann@example.com\n"))
    assert (user["name"], user["type"]) == ("ann", "user")


def test_a_bom_before_the_header_is_accepted():
    assert len(staged_users(prepare(b"\xef\xbb\xbf" + slack_csv(2)))) == 2


def test_excel_line_ends_and_quoted_values_are_read():
    data = slack_csv(2).replace(b"\n", b"\r\n").replace(b"Member 0", b'"Smith, Ann"')
    assert staged_users(prepare(data))[0]["name"] == "Smith, Ann"


# --- the bad-file matrix ------------------------------------------------------------------


@pytest.mark.parametrize("content, message", BAD_SLACK_LISTS.values(), ids=BAD_SLACK_LISTS.keys())
def test_a_bad_member_list_is_refused_naming_the_problem_and_line(content, message):
    assert failure(content).startswith(message)
