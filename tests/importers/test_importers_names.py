"""Uploaded file names: refused when they could escape, stored as Rocket.Chat names them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.importers.base import ImportFileError
from app.importers.names import check_file_name, stored_file_name


@pytest.mark.parametrize(
    "name, stored",
    [
        ("export.zip", "export.zip"),
        ("  members.csv ", "members.csv"),
        ("exporté 2024.zip", "exporté 2024.zip"),
        ("..hidden.zip", "..hidden.zip"),
    ],
)
def test_a_plain_name_is_kept_trimmed(name, stored):
    assert check_file_name(name) == stored


@pytest.mark.parametrize(
    "name, reason",
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        (".", "it is empty"),
        ("..", "it has a '..' component"),
        ("../export.zip", "it has a '..' component"),
        ("a/../../export.zip", "it has a '..' component"),
        ("/etc/passwd", "it is an absolute path"),
        ("C:\\Users\\ann\\export.zip", "it holds a backslash"),
        ("C:export.zip", "it starts with a drive letter"),
        ("exports/export.zip", "it names a folder"),
        ("export\x00.zip", "it holds a control character"),
        ("export\n.zip", "it holds a control character"),
        ("x" * 256 + ".zip", "it is longer than 255 characters"),
    ],
)
def test_a_name_that_could_escape_or_mislead_is_refused_saying_why(name, reason):
    with pytest.raises(ImportFileError) as raised:
        check_file_name(name)
    assert str(raised.value) == (
        f"the file name {name!r} is refused: {reason}; send the plain name of the file"
    )


@pytest.mark.parametrize(
    "now, stamp",
    [
        (datetime(2023, 3, 4, 3, 1, 4, tzinfo=UTC), "202324314"),
        (datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), "2024113123 5959"),
        (datetime(2024, 1, 1, 0, 0, 0), "2024010 00"),
        (datetime(2024, 1, 1, 1, 30, 0, tzinfo=timezone(timedelta(hours=2))), "20231131233 00"),
    ],
    ids=["march-zero-based", "december", "naive-is-utc", "converted-to-utc"],
)
def test_the_stored_name_is_rocket_chats_unpadded_utc_stamp(now, stamp):
    assert (
        stored_file_name(now, "uid1", "export.zip") == f"{stamp.replace(' ', '')}_uid1_export.zip"
    )
