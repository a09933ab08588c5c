"""Plain in-memory builders of import files, good and bad, for the tests and bench/."""

import io
import itertools
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
