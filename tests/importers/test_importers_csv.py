"""The `csv` importer: a zip of users.csv, channels.csv and message files, read as a stream."""

import io
import re
import tracemalloc
import zipfile

import pytest

from app.importers import find
from app.importers.base import (
    PREPARING_CHANNELS,
    PREPARING_MESSAGES,
    PREPARING_USERS,
    Channels,
    ImportFileError,
    Messages,
    Step,
    Users,
)
from tests.support import importfiles
from tests.support.importfiles import (
    BAD_USERS_CSV,
    ESCAPING_NAMES,
    limits,
    staged_users,
    users_zip,
    zip_of,
)

CSV = find("csv")


def prepare(data, batch_size=500, **limit_overrides):
    return list(CSV.prepare(io.BytesIO(data), limits(**limit_overrides), batch_size))


def usernames(users_csv):
    """Return the usernames staged from a zip holding `users_csv`."""
    return [user["username"] for user in staged_users(prepare(zip_of({"users.csv": users_csv})))]


def failure(data, **limit_overrides):
    with pytest.raises(ImportFileError) as raised:
        prepare(data, **limit_overrides)
    return str(raised.value)


# --- at upload ------------------------------------------------------------------------


def test_check_head_accepts_a_zip():
    CSV.check_head(users_zip()[:4096])


@pytest.mark.parametrize(
    "head",
    [b"", b"alice,alice@example.com,Alice\n", b"\x1f\x8b\x08\x00gzip", b"Rar!\x1a\x07"],
    ids=["empty", "bare-csv", "gzip", "rar"],
)
def test_check_head_refuses_anything_but_a_zip(head):
    with pytest.raises(ImportFileError) as raised:
        CSV.check_head(head)
    assert str(raised.value).startswith(
        "this importer reads a .zip file holding users.csv; the file is not a zip"
    )


def test_prepare_refuses_a_file_that_is_not_a_zip_as_the_upload_does():
    with pytest.raises(ImportFileError) as raised:
        list(CSV.prepare(io.BytesIO(importfiles.users_csv(3)), limits()))
    assert "; the file is not a zip" in str(raised.value)


# --- users.csv --------------------------------------------------------------------------


def test_users_are_staged_as_rocket_chat_stages_them():
    data = zip_of({"users.csv": b" billy.bob , billy.bob@example.com , Billy Bob \n"})
    assert staged_users(prepare(data)) == [
        {
            "type": "user",
            "importIds": ["billy.bob"],
            "emails": ["billy.bob@example.com"],
            "username": "billy.bob",
            "name": "Billy Bob",
        }
    ]


def test_users_come_in_batches_of_at_most_batch_size_in_file_order():
    events = prepare(users_zip(7), batch_size=3)
    batches = [event.records for event in events if isinstance(event, Users)]
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [r["username"] for b in batches for r in b] == [f"user{i}" for i in range(7)]


def test_a_utf8_bom_is_stripped_from_the_first_username():
    data = zip_of({"users.csv": b"\xef\xbb\xbf" + importfiles.users_csv(2)})
    assert [u["username"] for u in staged_users(prepare(data))] == ["user0", "user1"]


def test_a_bom_before_a_quoted_first_value_is_accepted():
    data = zip_of({"users.csv": b'\xef\xbb\xbf"ann",ann@example.com,Ann\n'})
    assert staged_users(prepare(data))[0]["username"] == "ann"


def test_excel_quoting_is_read_commas_quotes_and_line_breaks_inside_values():
    data = zip_of(
        {
            "users.csv": b'ann,ann@example.com,"Smith, ""Ann"""\r\n'
            b'bob,bob@example.com,"Bob\r\nJr"\r\n'
        }
    )
    assert [u["name"] for u in staged_users(prepare(data))] == ['Smith, "Ann"', "Bob\r\nJr"]


def test_a_first_row_of_column_names_is_skipped():
    assert usernames(b"Username,Email,Name\nann,ann@example.com,Ann\n") == ["ann"]


def test_a_later_row_that_looks_like_column_names_is_a_user():
    assert usernames(b"ann,ann@example.com,Ann\nusername,email,name\n") == ["ann", "username"]


def test_blank_rows_and_rows_of_empty_values_are_skipped():
    assert usernames(b"\r\nann,ann@example.com,Ann\r\n,,\r\n\r\n") == ["ann"]


def test_a_bad_row_after_a_multi_line_value_names_its_physical_line():
    data = zip_of({"users.csv": b'ann,ann@example.com,"two\nlines"\nbob,bob@example.com\n'})
    assert failure(data).startswith("users.csv line 3:")


# --- the bad-file matrix ------------------------------------------------------------------


@pytest.mark.parametrize("content, message", BAD_USERS_CSV.values(), ids=BAD_USERS_CSV.keys())
def test_a_bad_users_csv_is_refused_naming_the_problem_and_line(content, message):
    assert failure(zip_of({"users.csv": content})).startswith(message)


BAD_OTHER_ENTRIES = {
    "channels-three-values": (
        {"channels.csv": b"general,ann,public;ann\n"},
        "channels.csv line 1: 3 values where 4 are expected (name, creator, private, members)",
    ),
    "channels-empty-name": (
        {"channels.csv": b"general,ann,public,ann\n,ann,private,ann\n"},
        "channels.csv line 2: the channel name is empty",
    ),
    "messages-four-values": (
        {"general/1.csv": b"ann,1700000000000,hi\nann,1700000000001,hi,there\n"},
        "general/1.csv line 2: 4 values where 3 are expected (username, ts, text)",
    ),
    "direct-three-values": (
        {"directmessages/a.csv": b"ann,1700000000000,hi\n"},
        "directmessages/a.csv line 1: 3 values where 4 are expected (from, to, ts, text)",
    ),
    "messages-latin-1": (
        {"general/1.csv": b"ann,1,caf\xe9\n"},
        "general/1.csv line 1: byte 0xe9 at column 10 is not UTF-8",
    ),
}


@pytest.mark.parametrize(
    "entries, message", BAD_OTHER_ENTRIES.values(), ids=BAD_OTHER_ENTRIES.keys()
)
def test_a_bad_channels_or_message_file_is_refused_naming_the_entry_and_line(entries, message):
    data = zip_of({"users.csv": importfiles.users_csv(1)} | entries)
    assert failure(data).startswith(message)


def test_a_zip_without_users_csv_is_refused():
    data = zip_of({"channels.csv": b"general,ann,public,ann\n"})
    assert failure(data) == "the zip holds no users.csv at its root"


def test_a_zip_of_the_export_folder_is_refused_with_a_hint():
    data = zip_of({"export/": b"", "export/users.csv": importfiles.users_csv(2)})
    assert failure(data) == (
        "the zip holds no users.csv at its root"
        " (it has export/users.csv: zip the files themselves, not their folder)"
    )


# --- entries ------------------------------------------------------------------------------


def test_parts_are_read_in_zip_order_each_step_announced_when_entered():
    events = prepare(users_zip(2, channels=2, messages=3, direct=4))
    steps = [event.status for event in events if isinstance(event, Step)]
    assert steps == [PREPARING_USERS, PREPARING_CHANNELS, PREPARING_MESSAGES]
    assert isinstance(events[0], Step) and isinstance(events[1], Users)


def test_channels_are_listed_with_their_creator_privacy_and_members():
    data = zip_of(
        {
            "users.csv": importfiles.users_csv(1),
            "channels.csv": b"general,user0,public,user0; user1;\nsecret,user0,Private,user0\n",
        }
    )
    channels = [r for e in prepare(data) if isinstance(e, Channels) for r in e.records]
    assert channels == [
        {
            "importIds": ["general"],
            "name": "general",
            "creator": "user0",
            "isPrivate": False,
            "members": ["user0", "user1"],
            "isDirect": False,
        },
        {
            "importIds": ["secret"],
            "name": "secret",
            "creator": "user0",
            "isPrivate": True,
            "members": ["user0"],
            "isDirect": False,
        },
    ]


def test_messages_are_counted_and_direct_messages_share_one_channel():
    data = users_zip(
        1,
        channels=2,
        messages=3,
        extra={
            "directmessages/a-b.csv": b"a,b,1,hi\na,b,2,again\n",
            "directmessages/a-c.csv": b"a,c,3,hello\n",
        },
    )
    events = prepare(data, batch_size=2)
    assert sum(e.count for e in events if isinstance(e, Messages)) == 2 * 3 + 3
    direct = [r for e in events if isinstance(e, Channels) for r in e.records if r["isDirect"]]
    assert direct == [
        {
            "importIds": ["__directMessages__"],
            "name": "__directMessages__",
            "isPrivate": True,
            "members": [],
            "isDirect": True,
        }
    ]


def test_folders_mac_metadata_hidden_and_other_root_files_are_skipped():
    data = zip_of(
        {
            "__MACOSX/": b"",
            "__MACOSX/._users.csv": b"\x00\x05\x16\x07binary",
            "general/": b"",
            "general/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "README.txt": b"not, a, users, file\n",
            "users.csv": importfiles.users_csv(1),
        }
    )
    events = prepare(data)
    assert [type(e) for e in events] == [Step, Users]


def test_entry_names_are_matched_in_lower_case():
    data = zip_of({"Users.CSV": importfiles.users_csv(2), "Channels.csv": b"g,user0,public,\n"})
    events = prepare(data)
    assert len(staged_users(events)) == 2
    assert any(isinstance(e, Channels) for e in events)


# --- zip hardening -------------------------------------------------------------------------


@pytest.mark.parametrize("name, reason", ESCAPING_NAMES.items())
def test_an_entry_name_that_could_escape_refuses_the_whole_zip(name, reason):
    data = importfiles.escaping_zip(name)
    assert failure(data) == (
        f"the zip entry {name!r} is refused: {reason}"
        "; an entry's name must be printable and stay inside the zip's folder"
    )


def test_an_entry_declaring_a_huge_ratio_is_refused_before_anything_is_read():
    data = importfiles.streamed_bomb(4 << 20)
    message = failure(data, max_ratio=100)
    assert message.startswith("the zip entry users.csv is refused as a zip bomb: its ")
    assert re.search(r"packed bytes declare \d+ unpacked \(more than 100 times their size", message)


def test_entries_declaring_more_than_the_unpacked_limit_in_all_are_refused():
    part = importfiles.users_csv(20_000)  # about 800 KB, compressing well under the ratio
    data = zip_of({"users.csv": part, "general/a.csv": part}, zipfile.ZIP_STORED)
    message = failure(data, max_unpacked_bytes=len(part) + 10)
    assert message == (
        f"the zip is refused as a zip bomb: its entries declare {2 * len(part)} bytes,"
        f" more than the limit of {len(part) + 10} unpacked bytes"
    )


def test_more_entries_than_the_limit_are_refused():
    entries = {"users.csv": importfiles.users_csv(1)} | {f"g/{i}.csv": b"" for i in range(5)}
    assert failure(zip_of(entries), max_entries=5) == "the zip holds more than 5 entries, the limit"


def test_entries_are_counted_in_the_directory_not_in_its_declared_total():
    entries = {"users.csv": importfiles.users_csv(1)} | {f"g/{i}.csv": b"" for i in range(9)}
    data = bytearray(zip_of(entries))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # claim a single entry
    message = failure(bytes(data), max_entries=5)
    assert message == "the zip holds more than 5 entries, the limit"


def test_the_entries_of_a_zip64_directory_are_counted_too():
    entries = {"users.csv": importfiles.users_csv(1)} | {f"g/{i}": b"" for i in range(70_000)}
    data = zip_of(entries, zipfile.ZIP_STORED)  # over 65,535 entries: a zip64 end record
    assert b"PK\x06\x06" in data[-200:]
    assert failure(data, max_entries=65_000) == "the zip holds more than 65000 entries, the limit"


def test_an_entry_whose_sizes_lie_is_refused_as_damaged():
    data = importfiles.declaring(users_zip(50), 10)
    assert failure(data) == (
        "the zip entry users.csv is damaged and cannot be read (Bad CRC-32 for file"
        " 'users.csv'); create the zip again and upload it again"
    )


def test_bytes_actually_inflated_are_counted_against_the_ratio():
    info = zipfile.ZipInfo("users.csv")
    info.compress_size, info.file_size = 1000, 1000  # what the entry claims
    entry = MeteredEntryFor(info, b"x" * 99 + b"\n", lines=30_000)
    with pytest.raises(
        ImportFileError, match="refused as a zip bomb: its 1000 packed bytes unpack"
    ):
        while entry.readline(1 << 20):
            pass


def test_bytes_actually_inflated_are_counted_against_the_total_limit():
    info = zipfile.ZipInfo("general/a.csv")
    info.compress_size = info.file_size = 10 << 20
    entry = MeteredEntryFor(info, b"x" * 99 + b"\n", lines=30_000, spent=(2 << 20) - 500)
    with pytest.raises(
        ImportFileError, match="its entries unpack to more than the limit of 2097152 unpacked bytes"
    ):
        while entry.readline(1 << 20):
            pass


def MeteredEntryFor(info, line, lines, spent=0):  # noqa: N802 (reads as a constructor)
    from app.importers.zipcheck import MeteredEntry

    return MeteredEntry(io.BytesIO(line * lines), info, limits(max_unpacked_bytes=2 << 20), spent)


CORRUPT = {
    "truncated": importfiles.corrupt_zip,
    "garbage-after-magic": lambda data: b"PK\x03\x04" + b"\x00" * 200,
    "flipped-deflate-bytes": lambda data: (
        data[:40] + bytes(b ^ 0xFF for b in data[40:90]) + data[90:]
    ),
}


@pytest.mark.parametrize("damage", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_zip_is_refused_with_a_clear_message(damage):
    message = failure(damage(users_zip(200)))
    assert "is damaged and cannot be read (" in message
    assert message.endswith("create the zip again and upload it again")


def test_an_encrypted_entry_is_refused():
    data = bytearray(users_zip(2))
    entry = data.find(b"PK\x01\x02")
    data[entry + 8] |= 0x1  # the central directory's "encrypted" flag
    assert failure(bytes(data)) == (
        "the zip entry users.csv is encrypted; send a zip without a password"
    )


def test_an_unreadable_compression_method_is_refused():
    data = bytearray(users_zip(2))
    entry = data.find(b"PK\x01\x02")
    data[entry + 10 : entry + 12] = (9).to_bytes(2, "little")  # Deflate64
    assert failure(bytes(data)).startswith(
        "the zip entry users.csv uses a compression method this service cannot read (method 9)"
    )


# --- memory ---------------------------------------------------------------------------------


def test_preparing_50000_rows_peaks_far_below_holding_them():
    data = users_zip(50_000)
    tracemalloc.start()
    try:
        for _ in CSV.prepare(io.BytesIO(data), limits(), 500):
            pass
        _, streamed = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        held = staged_users(CSV.prepare(io.BytesIO(data), limits(), 500))
        _, holding = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(held) == 50_000
    assert streamed * 10 < holding, (streamed, holding)
