"""Passwords hash as Rocket.Chat's SHA-256 does: each UTF-16 code unit UTF-8-encoded on its own.

tests/golden/sha256_rocketchat.json was written by tools/sha256-golden/generate.js (Node: its
strings are UTF-16) from the specified behaviour, and checked once against Rocket.Chat's own
packages/sha256 (53 of 53 vectors agreed). Users Rocket.Chat hashes must log in here, and
users this service imports must log in on Rocket.Chat.
"""

import hashlib
import json

import bcrypt
import pytest

from app.services.passwords import check, digest
from tests.support import factories, paths

GOLDEN = json.loads((paths.GOLDEN / "sha256_rocketchat.json").read_text())
BY_LABEL = {vector["label"]: vector for vector in GOLDEN}
LOCKED = "pass-\U0001f512-word"  # the password, outside the BMP


def rocketchat_hash(hex_digest):
    """Return `services.password.bcrypt` as Rocket.Chat writes it for a digest."""
    return bcrypt.hashpw(hex_digest.encode("ascii"), bcrypt.gensalt(4)).decode("ascii")


@pytest.mark.parametrize("vector", GOLDEN, ids=[v["label"] for v in GOLDEN])
def test_the_digest_is_rocket_chats(vector):
    assert digest(vector["input"]) == vector["digest"]


def test_the_corpus_covers_every_kind_of_code_unit():
    units = {ord(c) for v in GOLDEN for c in v["input"]}
    assert {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF} <= units
    assert any(0xD800 <= u <= 0xDBFF for u in units) and any(0xDC00 <= u <= 0xDFFF for u in units)
    assert any(u > 0xFFFF for u in units)
    assert "" in {v["input"] for v in GOLDEN}


def test_a_surrogate_pair_spelled_as_two_code_points_hashes_as_the_character():
    # JSON's "\ud83d\udd12" may reach Python as one character or as two surrogates.
    assert (
        digest("\ud83d\udd12")
        == digest("\U0001f512")
        == BY_LABEL["emoji (a surrogate pair)"]["digest"]
    )


@pytest.fixture
def locked_out(db):
    """A user whose password (outside the BMP) Rocket.Chat itself hashed."""
    factories.insert_permissions(db)
    factories.insert_roles(db)
    user, _ = factories.insert_user(db, username="locked", roles=("user",))
    stored = rocketchat_hash(BY_LABEL["the issue password"]["digest"])
    db.users.update_one({"_id": user["_id"]}, {"$set": {"services.password.bcrypt": stored}})
    return user


@pytest.mark.parametrize(
    "password",
    [LOCKED, {"digest": BY_LABEL["the issue password"]["digest"], "algorithm": "sha-256"}],
    ids=["plaintext", "meteor-digest"],
)
def test_a_user_rocket_chat_hashed_outside_the_bmp_logs_in(client, locked_out, password):
    answer = client.post("/api/v1/login", json={"user": "locked", "password": password})
    assert answer.status_code == 200
    assert answer.json["data"]["userId"] == locked_out["_id"]


def test_the_utf8_digest_of_the_same_password_is_refused(client, locked_out):
    utf8 = hashlib.sha256(LOCKED.encode("utf-8")).hexdigest()
    body = {"user": "locked", "password": {"digest": utf8, "algorithm": "sha-256"}}
    assert client.post("/api/v1/login", json=body).status_code == 401


def test_a_lone_surrogate_password_logs_in_as_on_rocket_chat(client, db, locked_out):
    stored = rocketchat_hash(BY_LABEL["lone high surrogate, first"]["digest"])
    db.users.update_one({"_id": locked_out["_id"]}, {"$set": {"services.password.bcrypt": stored}})
    body = '{"user": "locked", "password": "\\ud800"}'  # JSON may carry a lone surrogate
    answer = client.post("/api/v1/login", data=body, content_type="application/json")
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "label", ["the issue password", "lone low surrogate inside text", "Japanese"]
)
def test_an_imported_password_is_the_hash_rocket_chat_checks(db, admin, worker, label):
    body = json.dumps(
        {
            "users": [
                {
                    "emails": ["a@example.com"],
                    "importIds": ["a"],
                    "username": "a",
                    "password": BY_LABEL[label]["input"],
                }
            ]
        }
    )
    assert admin.post("import.new").status_code == 200
    staged = admin.client.post(
        "/api/v1/import.addUsers", data=body, content_type="application/json", headers=admin.headers
    )
    assert staged.status_code == 200, staged.json
    assert admin.post("import.run").status_code == 200
    worker.run_pending()
    stored = db.users.find_one({"username": "a"})["services"]["password"]["bcrypt"]
    # Rocket.Chat's login compares bcrypt with its own SHA-256 of the password.
    assert bcrypt.checkpw(BY_LABEL[label]["digest"].encode("ascii"), stored.encode("ascii"))
    assert check(BY_LABEL[label]["input"], stored)
