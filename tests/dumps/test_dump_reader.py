"""The dump reader: every shape mongodump makes, sniffed from the bytes, and every bad dump."""

import gzip
import json
import subprocess
import sys
import tarfile

import bson
import pytest
from bson.int64 import Int64

from app.dumps import DumpError, crc64, open_dump, rocketchat_database
from tests.support import dumps
from tests.support.dumps import SHAPES, make


def read_all(path, database=None):
    dump = open_dump(path)
    chosen = rocketchat_database(dump, database)
    return chosen, [(name, doc) for name, doc in dump.documents(chosen)]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_gives_the_same_documents_and_metadata(shape, tmp_path):
    databases = {"parties": dumps.rocketchat(users=7)}
    dump = open_dump(make(shape, tmp_path, databases))
    assert rocketchat_database(dump) == "parties"
    documents = sorted(((n, bson.encode(d)) for n, d in dump.documents("parties")))
    expected = sorted(
        (name, bson.encode(d)) for name, (_, docs) in databases["parties"].items() for d in docs
    )
    assert documents == expected
    users = dump.collections("parties")["users"]
    assert [i["name"] for i in users.indexes] == [
        i["name"] for i in databases["parties"]["users"][0]["indexes"]
    ]


def test_the_shape_is_sniffed_not_read_from_the_name(tmp_path):
    archive = tmp_path / "rocketchat_backup_20250301.1000.tar.gz"  # an archive, misnamed
    archive.write_bytes(dumps.archive({"rocketchat": dumps.rocketchat()}))
    assert open_dump(archive).kind == "mongodump archive"


def test_interleaved_segments_of_one_document_each_are_read_in_full(tmp_path):
    databases = {"rocketchat": dumps.rocketchat(users=9)}
    path = tmp_path / "db.dump"
    path.write_bytes(dumps.archive(databases, segment=1))
    _, documents = read_all(path)
    assert sum(1 for name, _ in documents if name == "users") == 9


def test_dates_are_naive_utc_as_the_service_keeps_them(tmp_path):
    path = make("archive", tmp_path, {"rocketchat": dumps.rocketchat()})
    _, documents = read_all(path)
    user = next(doc for name, doc in documents if name == "users")
    assert user["createdAt"] == dumps.WHEN and user["createdAt"].tzinfo is None


def test_the_crc_is_crc64_xz_as_mongodump_computes_it():
    assert crc64.update(b"a") == 0x330284772E652B05
    assert crc64.update(b"123456789") == 0x995DC9BBDF1939FA
    assert crc64.update(b"6789", crc64.update(b"12345")) == 0x995DC9BBDF1939FA


def test_any_database_name_is_found_and_system_collections_skipped(tmp_path):
    databases = {
        "admin": {"system.version": ({"indexes": []}, [{"_id": "featureCompatibilityVersion"}])},
        "chat_prod": dumps.rocketchat(),
    }
    chosen, documents = read_all(make("archive", tmp_path, databases))
    assert chosen == "chat_prod"
    assert "system.version" not in {name for name, _ in documents}


def test_several_rocketchat_databases_need_a_choice(tmp_path):
    databases = {"rocketchat": dumps.rocketchat(), "meteor": dumps.rocketchat(users=2)}
    path = make("folder", tmp_path, databases)
    with pytest.raises(DumpError, match=r"several Rocket.Chat databases .*: meteor, rocketchat; "):
        read_all(path)
    chosen, documents = read_all(path, "meteor")
    assert chosen == "meteor" and sum(1 for n, _ in documents if n == "users") == 2


def test_an_unknown_database_name_lists_those_there_are(tmp_path):
    path = make("archive", tmp_path, {"rocketchat": dumps.rocketchat()})
    with pytest.raises(DumpError, match=r"no database 'parties' .*; it holds: rocketchat \("):
        read_all(path, "parties")


def test_escaped_collection_file_names_are_unescaped(tmp_path):
    databases = {"rocketchat": {**dumps.rocketchat(), "a/b c": ({"indexes": []}, [{"_id": 1}])}}
    _, documents = read_all(make("folder", tmp_path, databases))
    assert ("a/b c", {"_id": 1}) in documents


# --- bad dumps: each one refused, naming the file and, in a stream, the offset -----------


def archive_bytes(**options):
    return dumps.archive({"rocketchat": dumps.rocketchat(users=4)}, **options)


def refused(path, database=None):
    with pytest.raises(DumpError) as caught:
        read_all(path, database)
    return str(caught.value)


def test_a_truncated_archive_names_the_offset_and_what_is_missing(tmp_path):
    data = archive_bytes()
    path = tmp_path / "db.dump"
    path.write_bytes(data[: len(data) - 200])
    message = refused(path)
    assert message.startswith(f"{path}: ")
    assert "truncated at offset" in message or "runs past the end" in message


def test_an_archive_cut_between_segments_names_the_namespaces_without_eof(tmp_path):
    data = archive_bytes()
    # The first EOF header is that of users, the first namespace.
    eof = data.rindex(b"\x02db\x00", 0, data.index(b"\x08EOF\x00\x01")) - 4
    path = tmp_path / "db.dump"
    path.write_bytes(data[:eof])
    message = refused(path)
    assert f"truncated at offset {eof:,}: the archive ends before the end (EOF) of" in message
    assert "rocketchat.users" in message


def test_a_wrong_crc_is_refused(tmp_path):
    path = tmp_path / "db.dump"
    path.write_bytes(archive_bytes(crc_of={"rocketchat.users": 12345}))
    message = refused(path)
    assert "wrong CRC-64 for rocketchat.users: its EOF says 0x0000000000003039" in message
    assert message.startswith(f"{path}: at offset ")


def test_a_changed_byte_is_caught_by_the_crc(tmp_path):
    data = bytearray(archive_bytes())
    at = data.index(b"user_2@example.org")
    data[at] = ord("U")
    path = tmp_path / "db.dump"
    path.write_bytes(bytes(data))
    assert "wrong CRC-64 for rocketchat.users" in refused(path)


def test_a_document_length_past_the_end_of_a_bson_file(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"rocketchat": dumps.rocketchat()})
    users = root / "rocketchat" / "users.bson"
    data = users.read_bytes()
    first = bson.encode(dumps.rocketchat()["users"][1][0])
    users.write_bytes(data + len(first).to_bytes(4, "little") + first[4:100])
    message = refused(root)
    assert message.startswith(f"{users}: at offset {len(data):,}: a document of {len(first):,}")
    assert "runs past the end of the file (100 bytes left)" in message


def test_a_document_length_past_the_end_of_an_archive(tmp_path):
    data = archive_bytes()
    inside_a_user = data.index(b"\x02username\x00") + 30
    path = tmp_path / "db.dump"
    path.write_bytes(data[:inside_a_user])
    message = refused(path)
    assert "a document of rocketchat.users of " in message
    assert "runs past the end of the file" in message


def test_an_impossible_document_length_is_named(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"rocketchat": dumps.rocketchat()})
    (root / "rocketchat" / "rocketchat_roles.bson").write_bytes(b"\xff\xff\xff\x7f" + b"\x00" * 8)
    message = refused(root)
    assert "rocketchat_roles.bson: at offset 0: expected a document, found a length of" in message


def test_a_gzip_that_stops_short(tmp_path):
    data = archive_bytes(compress=True)
    path = tmp_path / "db.dump.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    message = refused(path)
    assert message.startswith(f"{path}: the gzip stream stops short after ")
    assert "the file is incomplete" in message


def test_a_gzipped_bson_file_that_stops_short(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"rocketchat": dumps.rocketchat()}, compress=True)
    users = root / "rocketchat" / "users.bson.gz"
    users.write_bytes(users.read_bytes()[:-30])
    assert refused(root).startswith(f"{users}: the gzip stream stops short")


def test_a_tar_member_that_escapes_refuses_the_whole_file(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"parties": dumps.rocketchat()})
    path = dumps.tar_of(tmp_path / "backup.tgz", root, extra=[("../../etc/evil.bson", b"x")])
    message = refused(path)
    assert message == (
        f"{path}: tar member '../../etc/evil.bson' escapes the dump's folder: the whole "
        "file is refused"
    )


def test_a_tar_member_that_is_a_link_is_refused(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"parties": dumps.rocketchat()})
    path = tmp_path / "backup.tar"
    with tarfile.open(path, "w") as tar:
        tar.add(root, arcname="dump")
        link = tarfile.TarInfo("dump/parties/rocketchat_roles.bson")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
        tar.addfile(link)
    assert "is a link or a device, not a file" in refused(path)


def test_a_tar_cut_short_is_refused(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"parties": dumps.rocketchat(users=40)})
    path = dumps.tar_of(tmp_path / "backup.tar", root, compress=False)
    data = path.read_bytes()
    at = data.index(b"user_20@")
    path.write_bytes(data[:at])
    message = refused(path)
    assert message.startswith(f"{path}: a damaged tar at offset ")
    assert "after member 'dump/parties/users.bson': unexpected end of data" in message


def test_an_archive_through_docker_exec_t_is_recognised(tmp_path):
    # A terminal translates every \n byte into \r\n and mixes in mongodump's log lines.
    data = archive_bytes()
    prelude_end = data.index(dumps.TERMINATOR) + 4
    mixed = (
        data[:prelude_end]
        + b"2025-03-01T10:00:00.123+0000\twriting rocketchat.users to archive on stdout\n"
        + data[prelude_end:]
    ).replace(b"\n", b"\r\n")
    path = tmp_path / "db.dump"
    path.write_bytes(mixed)
    message = refused(path)
    assert message.startswith(f"{path}: at offset ")
    assert "docker exec -t" in message and "make it again without -t" in message


def test_log_text_before_the_archive_is_recognised(tmp_path):
    path = tmp_path / "db.dump"
    log_line = b"2025-03-01T10:00:00.123+0000\twriting admin.system.version to archive\r\n"
    path.write_bytes(log_line + archive_bytes())
    message = refused(path)
    assert message.startswith(f"{path}: at offset 0: expected the archive magic 6d e2 99 81")
    assert f"the archive starts at offset {len(log_line)}" in message
    assert "docker exec -t" in message


def test_a_dump_with_no_rocketchat_database_lists_what_it_holds(tmp_path):
    databases = {"shop": {"orders": ({"indexes": []}, [{"_id": 1}]), "users": ({}, [])}}
    for shape in ("archive", "folder", "tar.gz"):
        (tmp_path / shape).mkdir()
        path = make(shape, tmp_path / shape, databases)
        message = refused(path)
        assert "no Rocket.Chat database (one with users and rocketchat_settings)" in message
        assert message.endswith("it holds: shop (orders, users)")


def test_metadata_that_is_not_json_is_named(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"rocketchat": dumps.rocketchat()})
    metadata = root / "rocketchat" / "users.metadata.json"
    metadata.write_text('{"indexes": [')
    message = refused(root)
    assert message.startswith(f"{metadata}: metadata is not JSON: ")


def test_metadata_in_an_archive_that_is_not_json_is_named(tmp_path):
    good = dumps.metadata_json(dumps.rocketchat()["users"][0])
    data = archive_bytes()
    broken = data.replace(
        bson.encode({"m": good})[7:-1], bson.encode({"m": "{" + "x" * (len(good) - 1)})[7:-1]
    )
    path = tmp_path / "db.dump"
    path.write_bytes(broken)
    message = refused(path)
    assert (
        message.startswith(f"{path}: at offset ")
        and "rocketchat.users: metadata is not JSON" in message
    )


def test_a_folder_it_does_not_understand_is_refused(tmp_path):
    (tmp_path / "prelude.json").write_text('{"ServerVersion":"8.0.8","ToolVersion":"100.12.0"}')
    (tmp_path / "notes").mkdir()
    message = refused(tmp_path)
    assert "a mongodump folder (prelude.json) with no database folder of .bson files" in message


def test_a_folder_with_nothing_to_read_is_refused(tmp_path):
    (tmp_path / "README.txt").write_text("hello")
    assert "not a dump: no .bson files" in refused(tmp_path)


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "backup.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert refused(path) == f"{path}: a zip file: unzip it and give the mongodump folder inside"
    other = tmp_path / "notes.gz"
    other.write_bytes(gzip.compress(b"hello, world"))
    assert "gzipped data that is neither a mongodump archive" in refused(other)


def test_the_reader_never_writes_to_the_dump(tmp_path):
    path = make("tar.gz", tmp_path, {"parties": dumps.rocketchat()})
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_all(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "out"]


def test_the_reader_loads_no_driver_and_no_web_framework():
    # A fresh interpreter: the client's --against loads the reader, and must stay light.
    probe = (
        "import json, sys; import app.dumps; "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert loaded.isdisjoint({"pymongo", "flask", "mongomock", "werkzeug"}), loaded
    assert "bson" in loaded


def test_a_tar_of_a_gzipped_folder_is_read_member_by_member(tmp_path):
    databases = {"parties": dumps.rocketchat(users=5)}
    root = dumps.folder(tmp_path / "dump", databases, compress=True)
    path = dumps.tar_of(tmp_path / "backup.tar", root, compress=False)
    chosen, documents = read_all(path)
    assert chosen == "parties" and sum(1 for n, _ in documents if n == "users") == 5
    assert open_dump(path).collections("parties")["users"].indexes[1]["name"] == "username_1"


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "db.dump"
    path.write_bytes(b"")
    assert refused(path) == f"{path}: an empty file, not a dump"


def test_the_oplog_of_mongodump_oplog_is_no_database(tmp_path):
    root = dumps.folder(tmp_path / "dump", {"rocketchat": dumps.rocketchat()})
    (root / "oplog.bson").write_bytes(bson.encode({"ts": 1, "op": "n"}))
    chosen, documents = read_all(root)
    assert chosen == "rocketchat" and len(documents) == 9


def test_views_and_timeseries_need_no_eof_in_an_archive(tmp_path):
    rocketchat = {
        **dumps.rocketchat(),
        "active_users": ({"indexes": [], "type": "view"}, []),
        "metrics": ({"indexes": [], "type": "timeseries"}, []),
    }
    data = dumps.archive({"rocketchat": rocketchat})
    for name in ("active_users", "metrics"):  # mongodump writes no EOF for them
        eof = bson.encode({"db": "rocketchat", "collection": name, "EOF": True, "CRC": Int64(0)})
        assert eof + dumps.TERMINATOR in data
        data = data.replace(eof + dumps.TERMINATOR, b"")
    path = tmp_path / "db.dump"
    path.write_bytes(data)
    _, documents = read_all(path)
    assert len(documents) == 9
