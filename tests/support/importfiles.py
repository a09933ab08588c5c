"""Plain in-memory builders of import files, good and bad, for the tests and bench/."""

import io
import itertools
import random
import zipfile

from app.importers.base import FileLimits, Users

SLACK_HEADER = (
    "username,email,status,billing-active,has-2fa,has-sso,userid,fullname,displayname,"
    "expiration-timestamp"
)
SLACK_STATUSES = ("Member", "Admin", "Owner", "Bot", "Deactivated", "Multi-Channel Guest")


def limits(**overrides) -> FileLimits:
    """Return limits roomy enough for the good files and small enough for quick bombs."""
    values = {
        "max_file_bytes": 64 << 20,
        "max_unpacked_bytes": 32 << 20,
        "max_ratio": 100,
        "max_entries": 1000,
    }
    return FileLimits(**(values | overrides))


def user_line(index: int) -> bytes:
    """Return row `index` of a users.csv."""
    return f"user{index},user{index}@example.com,User {index}\r\n".encode()


def users_csv(rows: int) -> bytes:
    """Return a users.csv of `rows` users, with Excel's CRLF line ends."""
    return b"".join(user_line(index) for index in range(rows))


def zip_of(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Return a zip holding `entries` (name -> content) in that order, names kept as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, compression)
    return buffer.getvalue()


def users_zip(rows=3, channels=0, messages=0, direct=0, extra=None) -> bytes:
    """Return a CSV importer zip: users.csv, and optional channels, messages, direct messages."""
    entries = {"users.csv": users_csv(rows)}
    if channels:
        entries["channels.csv"] = b"".join(
            f"general-{i},user0,{'private' if i % 2 else 'public'},user0;user1\n".encode()
            for i in range(channels)
        )
    for i in range(channels):
        if messages:
            entries[f"general-{i}/messages.csv"] = _lines(
                messages, lambda n: f'user0,{1700000000000 + n},"hello, {n}"\n'
            )
    if direct:
        entries["directmessages/user0-user1.csv"] = _lines(
            direct, lambda n: f"user0,user1,{1700000000000 + n},hi {n}\n"
        )
    return zip_of(entries | (extra or {}))


def _lines(count, line):
    return "".join(line(n) for n in range(count)).encode()


def slack_csv(rows=6, statuses=SLACK_STATUSES, without_email=(), header=SLACK_HEADER) -> bytes:
    """Return Slack's member list: the header, then `rows` members cycling through `statuses`.

    Rows whose index is in `without_email` have no address (Rocket.Chat drops them).
    """
    lines = [header]
    for index, status in zip(range(rows), itertools.cycle(statuses), strict=False):
        email = "" if index in without_email else f"member{index}@example.com"
        lines.append(
            f"member{index},{email},{status},Active,false,false,U{index:08d},"
            f"Member {index},m{index},"
        )
    return ("\n".join(lines) + "\n").encode()


def streamed_bomb(unpacked: int, name="users.csv", line=b"a" * 99 + b"\n") -> bytes:
    """Return a zip whose one entry unpacks to `unpacked` bytes of a repeated line."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as entry:
            chunk = line * (65536 // len(line))
            for _ in range(unpacked // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def declaring(zip_bytes: bytes, file_size: int) -> bytes:
    """Return `zip_bytes` with every entry's unpacked size rewritten to `file_size` (a lie)."""
    data = bytearray(zip_bytes)
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            data[start + at : start + at + 4] = file_size.to_bytes(4, "little")
            start += 4
    return bytes(data)


def staged_users(events) -> list[dict]:
    """Return every user record of a sequence of prepare events."""
    return [record for event in events if isinstance(event, Users) for record in event.records]


# --- bad files: name -> (content, how the error message starts) ----------------------------

# users.csv contents a zip may hold, each refused by the csv importer.
USERS_HEADER = "username, email, name"
BAD_USERS_CSV = {
    "broken-quote": (
        b'ann,ann@example.com,Ann\n"bob,bob@example.com,Bob\ncid,cid@example.com,Cid\n',
        'users.csv line 2: a quote (") opens a value that is never closed',
    ),
    "quote-inside-a-value": (
        b'ann,ann@example.com,Ann\nbob,bob@example.com,"Bob" Jr\n',
        'users.csv line 2: a quote (") inside a value must be doubled ("") and the value quoted',
    ),
    "four-values": (
        b"ann,ann@example.com,Ann\nbob,bob@example.com,Bob,extra\n",
        f"users.csv line 2: 4 values where 3 are expected ({USERS_HEADER})",
    ),
    "two-values": (
        b"ann,ann@example.com,Ann\n\nbob,bob@example.com\n",
        f"users.csv line 3: 2 values where 3 are expected ({USERS_HEADER})",
    ),
    "one-value": (b"ann\n", f"users.csv line 1: 1 value where 3 are expected ({USERS_HEADER})"),
    "semicolons": (
        b"ann;ann@example.com;Ann\r\n",
        f"users.csv line 1: 1 value where 3 are expected ({USERS_HEADER}); the values are"
        " separated by semicolons, not commas: save the file as 'CSV UTF-8 (Comma delimited)'",
    ),
    "tabs": (
        b"ann\tann@example.com\tAnn\r\n",
        f"users.csv line 1: 1 value where 3 are expected ({USERS_HEADER}); the values are"
        " separated by tabs",
    ),
    "latin-1": (
        b"ann,ann@example.com,Ann\njose,jose@example.com,Jos\xe9\n",
        "users.csv line 2: byte 0xe9 at column 26 is not UTF-8 (the file looks saved as Latin-1"
        " or Windows-1252); save it as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
        " and upload it again",
    ),
    "utf-16": (
        "ann,ann@example.com,Ann\n".encode("utf-16"),
        "users.csv is UTF-16 text (Excel's 'Unicode Text'), not UTF-8; save it as UTF-8",
    ),
    "old-mac-line-ends": (
        b"ann,ann@example.com,Ann\rbob,bob@example.com,Bob\r",
        "users.csv line 1: a lone carriage return inside a value (old Mac line endings?)",
    ),
    "empty-username": (
        b"ann,ann@example.com,Ann\n ,bob@example.com,Bob\n",
        "users.csv line 2: the username is empty",
    ),
    "empty-email": (b"ann,,Ann\n", "users.csv line 1: the email is empty"),
    "nul-byte": (
        b"ann,ann@example.com,Ann\nbob,bob@example.com,B\x00b\n",
        "users.csv line 2: a NUL byte; the file is not text (or is UTF-16)",
    ),
    "empty-file": (b"", f"users.csv holds no user: each row is {USERS_HEADER}"),
    "only-blank-rows": (b"\r\n,,\r\n \r\n", f"users.csv holds no user: each row is {USERS_HEADER}"),
    "bom-only": (b"\xef\xbb\xbf", f"users.csv holds no user: each row is {USERS_HEADER}"),
    "endless-quote": (
        b'ann,ann@example.com,"' + b"x" * 200_000 + b"\n",
        "users.csv line 1: a value is longer than 131072 characters; most likely a quote",
    ),
    "old-mac-line-ends-of-a-big-file": (
        users_csv(40_000).replace(b"\r\n", b"\r"),
        "users.csv line 1: the line is longer than 1048576 bytes (its lines end with a lone"
        " carriage return); save it as UTF-8",
    ),
    "endless-line": (
        b"ann,ann@example.com," + random.Random(1).randbytes(1 << 20).hex().encode(),
        "users.csv line 1: the line is longer than 1048576 bytes",
    ),
}


# Zip entry names refused, with the reason the message gives.
ESCAPING_NAMES = {
    "../users.csv": "it has a '..' component",
    "general/../../users.csv": "it has a '..' component",
    "/etc/users.csv": "it is an absolute path",
    "general\\..\\users.csv": "it holds a backslash",
    "C:/users.csv": "it starts with a drive letter",
    "C:users.csv": "it starts with a drive letter",
    "general/\x1b[2Jx.csv": "it holds a control character",
}


def bad_users_zip(key: str) -> bytes:
    """Return a zip whose users.csv is BAD_USERS_CSV[key]."""
    return zip_of({"users.csv": BAD_USERS_CSV[key][0]})


def escaping_zip(name: str = "../users.csv") -> bytes:
    """Return a zip with a good users.csv and an entry called `name`."""
    return zip_of({"users.csv": users_csv(1), name: b"user0,1700000000000,hi\n"})


def corrupt_zip(data: bytes | None = None) -> bytes:
    """Return a zip (by default of 200 users) cut in half: its directory is gone."""
    data = data or users_zip(200)
    return data[: len(data) // 2]


# Member lists refused by the slack-users importer.
SLACK_ROW = "ann,ann@example.com,Member,Active,false,false,U1,Ann A,ann,"
BAD_SLACK_LISTS = {
    "no-email-column": (
        b"username,mail,status\nann,ann@example.com,Member\n",
        "the member list line 1: the header has no email column; Slack's member list starts"
        f" with {SLACK_HEADER}",
    ),
    "no-username-column": (
        b"email,status\nann@example.com,Member\n",
        "the member list line 1: the header has no username column",
    ),
    "semicolons": (
        SLACK_HEADER.replace(",", ";").encode() + b"\n",
        "the member list line 1: the header has no email column; Slack's member list starts"
        f" with {SLACK_HEADER}; the values are separated by semicolons, not commas",
    ),
    "no-header": (
        f"{SLACK_ROW}\n{SLACK_ROW}\n".encode(),
        "the member list line 1: the header has no email column",
    ),
    "empty": (b"", "the member list is empty: it should start with Slack's header"),
    "header-only": (
        f"{SLACK_HEADER}\n".encode(),
        "the member list holds no user with an e-mail address",
    ),
    "nobody-has-an-email": (
        slack_csv(3, without_email=(0, 1, 2)),
        "the member list holds no user with an e-mail address",
    ),
    "broken-quote": (
        f'{SLACK_HEADER}\n{SLACK_ROW}\n"bob,bob@example.com,Member\n{SLACK_ROW}\n'.encode(),
        'the member list line 3: a quote (") opens a value that is never closed',
    ),
    "uneven-columns": (
        f"{SLACK_HEADER}\n{SLACK_ROW}\n{SLACK_ROW},extra\n".encode(),
        "the member list line 3: 11 values where the header has 10",
    ),
    "nul-byte": (
        f"{SLACK_HEADER}\n{SLACK_ROW}\n".encode() + b"x" * 5000 + b"\x00\n",
        "the member list line 3: a NUL byte; the file is not text",
    ),
    "zip": (
        users_zip(),
        "this importer reads Slack's member list, a .csv file; the file is a zip",
    ),
    "latin-1": (
        f"{SLACK_HEADER}\n{SLACK_ROW}\n".encode() + b"jos\xe9,jose@example.com,Member\n",
        "the member list line 3: byte 0xe9 at column 4 is not UTF-8 (the file looks saved as"
        " Latin-1 or Windows-1252)",
    ),
}
