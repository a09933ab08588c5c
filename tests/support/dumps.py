"""Test helper: Rocket.Chat-shaped dumps in every shape mongodump makes, and broken ones.

A writer of mongodump's archive grammar (magic, header, collection metadata, terminator,
interleaved segments, EOFs with their CRC-64), of its folders (plain or --gzip, with
prelude.json) and of tars of them. The documents are made up: no real user data.
"""

import gzip
import hashlib
import io
import itertools
import struct
import tarfile
from datetime import datetime
from urllib.parse import quote

import bcrypt
import bson
from bson import json_util
from bson.int64 import Int64
from bson.json_util import CANONICAL_JSON_OPTIONS
from fastcrc import crc64

MAGIC = b"\x6d\xe2\x99\x81"
TERMINATOR = b"\xff\xff\xff\xff"
ADMIN_ID = "oP6q82MzLFKfERzmp"
ADMIN_USERNAME = "dumpadmin"
ADMIN_PASSWORD = "the dump's own secret"
WHEN = datetime(2025, 3, 1, 10, 0, 0)
_CASE_INSENSITIVE = {"locale": "en", "strength": 2}


def rocketchat(users=3):
    """Return {collection: (metadata, [documents])}: a Rocket.Chat 7.x database, its admin
    able to run imports with ADMIN_PASSWORD, and users user_1..user_{users-1}."""
    digest = hashlib.sha256(ADMIN_PASSWORD.encode()).hexdigest().encode()
    admin = _user(ADMIN_ID, ADMIN_USERNAME, bcrypt.hashpw(digest, bcrypt.gensalt(4)).decode())
    admin.update(roles=["admin", "user"], banners={}, avatarOrigin="none")
    people = [admin] + [_user(f"user{n:013d}ab", f"user_{n}", None) for n in range(1, users)]
    return {
        "users": (_metadata("users", _USER_INDEXES), people),
        "rocketchat_settings": (
            _metadata("rocketchat_settings", []),
            [
                {"_id": "Accounts_Registration_Users_Default_Roles", "value": "user"},
                {"_id": "Site_Url", "value": "https://chat.example.org"},
            ],
        ),
        "rocketchat_permissions": (
            _metadata("rocketchat_permissions", [_index({"level": 1, "settingId": 1})]),
            [{"_id": "run-import", "roles": ["admin"], "_updatedAt": WHEN}],
        ),
        "rocketchat_roles": (
            _metadata("rocketchat_roles", []),
            [{"_id": r, "name": r, "scope": "Users", "protected": True} for r in ("admin", "user")],
        ),
        "rocketchat_import": (
            _metadata("rocketchat_import", [_index({"ts": -1}), _index({"valid": 1})]),
            [
                {
                    "_id": "65a000000000000000000001",
                    "type": "api",
                    "importerKey": "api",
                    "ts": WHEN,
                    "status": "importer_done",
                    "valid": False,
                    "user": ADMIN_ID,
                    "_updatedAt": WHEN,
                    "count": {"total": 2, "users": 2, "completed": 2, "error": 0},
                }
            ],
        ),
    }


def _user(user_id, username, bcrypt_hash):
    services = {"email2fa": {"enabled": True, "changedAt": WHEN}, "resume": {"loginTokens": []}}
    if bcrypt_hash:
        services["password"] = {"bcrypt": bcrypt_hash}
    return {
        "_id": user_id,
        "createdAt": WHEN,
        "services": services,
        "username": username,
        "emails": [{"address": f"{username}@example.org", "verified": False}],
        "type": "user",
        "roles": ["user"],
        "status": "offline",
        "active": True,
        "_updatedAt": WHEN,
        "__rooms": ["GENERAL"],
        "name": username,
        "requirePasswordChange": False,
        "settings": {},
        "lastLogin": WHEN,
        "statusConnection": "offline",
        "utcOffset": 3,
        "importIds": [f"old-{username}"],
    }


def _index(key, **options):
    name = "_".join(f"{field}_{direction}" for field, direction in key.items())
    return {"v": 2, "key": key, "name": options.pop("name", name), **options}


_USER_INDEXES = [
    _index({"username": 1}, unique=True, sparse=True),
    _index({"emails.address": 1}, unique=True, sparse=True),
    _index({"services.resume.loginTokens.hashedToken": 1}, unique=True, sparse=True),
    _index({"importIds": 1}, sparse=True),
    _index({"username": 1}, name="username_insensitive", collation=_CASE_INSENSITIVE),
    _index({"emails.address": 1}, name="emails.address_insensitive", collation=_CASE_INSENSITIVE),
    _index(
        {"active": 1, "lastLogin": 1},
        name="active_1_lastLogin_1",
        partialFilterExpression={"active": True},
    ),
]


def _metadata(name, indexes):
    return {
        "indexes": [_index({"_id": 1}, name="_id_"), *indexes],
        "uuid": hashlib.md5(name.encode()).hexdigest(),
        "collectionName": name,
        "type": "collection",
    }


def metadata_json(metadata):
    """Return a metadata.json text as mongodump writes it: canonical Extended JSON v2."""
    return json_util.dumps(metadata, json_options=CANONICAL_JSON_OPTIONS)


# --- archives -----------------------------------------------------------------------


def archive(databases, segment=2, crc_of=None, compress=False):
    """Return the bytes of `mongodump --archive` of {db: {collection: (metadata, docs)}}:
    segments of `segment` documents, namespaces interleaved round-robin. crc_of maps a
    namespace "db.collection" to the CRC its EOF should claim instead of the true one."""
    out = io.BytesIO()
    out.write(MAGIC)
    header = {
        "concurrent_collections": 4,
        "version": "0.1",
        "server_version": "8.0.8",
        "tool_version": "100.12.0",
    }
    out.write(bson.encode(header))
    namespaces = []
    for db, collections in databases.items():
        for name, (metadata, documents) in collections.items():
            encoded = [bson.encode(d) for d in documents]
            out.write(
                bson.encode(
                    {
                        "db": db,
                        "collection": name,
                        "metadata": metadata_json(metadata),
                        "size": sum(map(len, encoded)),
                        "type": metadata.get("type", "collection"),
                    }
                )
            )
            namespaces.append((db, name, encoded))
    out.write(TERMINATOR)
    _segments(out, namespaces, segment, crc_of or {})
    data = out.getvalue()
    return gzip.compress(data, mtime=0) if compress else data


def _segments(out, namespaces, size, crc_of):
    chunks = [
        [(db, name, encoded[i : i + size]) for i in range(0, len(encoded), size)]
        for db, name, encoded in namespaces
    ]
    crcs = {}
    for db, name, part in filter(None, itertools.chain(*itertools.zip_longest(*chunks))):
        out.write(bson.encode({"db": db, "collection": name, "EOF": False, "CRC": Int64(0)}))
        for document in part:
            out.write(document)
            crcs[db, name] = crc64.xz(document, crcs.get((db, name), 0))
        out.write(TERMINATOR)
    for db, name, _ in namespaces:
        crc = crc_of.get(f"{db}.{name}", crcs.get((db, name), 0))
        signed = struct.unpack("<q", struct.pack("<Q", crc))[0]
        out.write(bson.encode({"db": db, "collection": name, "EOF": True, "CRC": Int64(signed)}))
        out.write(TERMINATOR)


# --- folders and tars ----------------------------------------------------------------


def folder(root, databases, compress=False, prelude=True):
    """Write `mongodump --out root` (with --gzip: every file gzipped); return root."""
    root.mkdir(parents=True, exist_ok=True)
    if prelude:
        (root / "prelude.json").write_text('{"ServerVersion":"8.0.8","ToolVersion":"100.12.0"}')
    for db, collections in databases.items():
        (root / db).mkdir(exist_ok=True)
        for name, (metadata, documents) in collections.items():
            data = b"".join(bson.encode(d) for d in documents)
            meta = metadata_json(metadata).encode()
            suffix = ".gz" if compress else ""
            if compress:
                data, meta = gzip.compress(data, mtime=0), gzip.compress(meta, mtime=0)
            (root / db / f"{quote(name, safe='')}.bson{suffix}").write_bytes(data)
            (root / db / f"{quote(name, safe='')}.metadata.json{suffix}").write_bytes(meta)
    return root


def tar_of(path, root, compress=True, arcname="dump", extra=()):
    """Write a tar (tar.gz with compress) of the folder root named arcname, as snap's
    backupdb does; extra is [(member name, bytes)] added at the end. Return path."""
    with tarfile.open(path, "w:gz" if compress else "w") as tar:
        tar.add(root, arcname=arcname)
        for name, data in extra:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


# --- every shape at once ----------------------------------------------------------------

SHAPES = ("archive", "archive.gz", "folder", "database folder", "folder --gzip", "tar.gz", "tar")


def make(shape, tmp_path, databases, name="backup", segment=2):
    """Write databases in one shape, under a name that never tells the shape (archives in
    segments of `segment` documents)."""
    path = tmp_path / name
    if shape.startswith("archive"):
        path.write_bytes(archive(databases, segment, compress=shape.endswith(".gz")))
        return path
    root = folder(tmp_path / "out", databases, compress=shape.endswith("--gzip"))
    if shape == "folder" or shape == "folder --gzip":
        return root
    if shape == "database folder":
        return root / next(iter(databases))
    return tar_of(path, root, compress=shape == "tar.gz")


# --- on a served dump -------------------------------------------------------------------

# Users to import into rocketchat()'s database: the first four collide with its users
# (username and email without case, an import id exactly) or with an earlier user.
COLLIDING_USERS = [
    {"username": "newcomer", "emails": ["newcomer@example.org"], "importIds": ["n-1"]},
    {"username": "USER_1", "emails": ["other@example.org"], "importIds": ["n-2"]},
    {"username": "fresh", "emails": ["User_2@Example.ORG"], "importIds": ["n-3"]},
    {"username": "again", "emails": ["again@example.org"], "importIds": ["old-user_3"]},
]


def admin_headers(client):
    """Log the dump's admin in with the dump's own password; return the auth headers."""
    body = {"user": ADMIN_USERNAME, "password": ADMIN_PASSWORD}
    login = client.post("/api/v1/login", json=body).json["data"]
    return {"X-User-Id": login["userId"], "X-Auth-Token": login["authToken"]}


def import_users(app, users):
    """Import users through the API as the dump's admin, a worker running the import;
    return (the client, the admin's headers)."""
    from app.extensions.db import get_db_of
    from tests.support.apps import make_worker

    client = app.test_client()
    headers = admin_headers(client)
    assert client.post("/api/v1/import.new", headers=headers).status_code == 200
    added = client.post("/api/v1/import.addUsers", headers=headers, json={"users": users})
    assert added.status_code == 200, added.json
    assert client.post("/api/v1/import.run", headers=headers).status_code == 200
    worker = make_worker(get_db_of(app), worker_id="test-worker")
    try:
        assert worker.run_pending() == 1
    finally:
        worker.stop()
    return client, headers
