"""serve --export on a Rocket.Chat backup: every shape gives the same database, its admin
logs in with the dump's own password and imports users that collide with the dump's."""

import pytest

from app.dumps import DumpError
from app.extensions.db import get_db_of
from app.services import clock
from tests.support import dumps
from tests.support.apps import make_app, run_server_command
from tests.support.dumps import SHAPES, make


def served(path, **settings):
    return make_app(EXPORT_DIR=str(path), **settings)


def contents(db):
    """Every collection's documents and index specifications, in a comparable form."""
    return {
        name: (
            sorted(map(repr, db[name].find())),
            sorted(repr(sorted(index.items())) for index in db[name].list_indexes()),
        )
        for name in sorted(db.list_collection_names())
    }


@pytest.fixture(scope="module")
def databases():
    return {"rocketchat": dumps.rocketchat(users=6)}


def test_every_shape_of_one_dump_gives_the_same_database(databases, tmp_path, monkeypatch):
    # The migrations stamp what they change: one clock for every shape.
    monkeypatch.setattr(clock, "now", lambda: dumps.WHEN)
    seen = {}
    for shape in SHAPES:
        (tmp_path / shape).mkdir()
        app = served(make(shape, tmp_path / shape, databases))
        seen[shape] = contents(get_db_of(app))
    first = seen["archive"]
    assert all(value == first for value in seen.values())
    users, indexes = first["users"]
    assert len(users) == 6
    # the dump's indexes with their collation and partial filter, then our migration's
    for name in ("username_insensitive", "emails.address_insensitive", "active_1_lastLogin_1"):
        assert any(f"'{name}'" in index for index in indexes), name
    # (mongomock keeps no collation: the seed test checks them on a real server)
    assert any("partialFilterExpression" in index for index in indexes)


def log_in(client, user=dumps.ADMIN_USERNAME, password=dumps.ADMIN_PASSWORD):
    return client.post("/api/v1/login", json={"user": user, "password": password})


@pytest.mark.parametrize("shape", ["archive.gz", "tar.gz"])
def test_the_dumps_admin_logs_in_with_its_password_and_is_served_import_status(
    shape, databases, tmp_path
):
    client = served(make(shape, tmp_path, databases)).test_client()
    assert log_in(client, password="password").status_code == 401
    login = log_in(client).json["data"]
    headers = {"X-User-Id": login["userId"], "X-Auth-Token": login["authToken"]}
    assert login["userId"] == dumps.ADMIN_ID
    status = client.get("/api/v1/import.status", headers=headers).json
    assert status["success"] is True
    assert (status["state"], status["operation"]["_id"]) == ("done", "65a000000000000000000001")


def test_users_colliding_with_the_dumps_own_are_refused_with_exact_counts(databases, tmp_path):
    app = served(make("archive", tmp_path, databases))
    later = {"username": "later", "emails": ["later@example.org"], "importIds": ["n-5"]}
    client, headers = dumps.import_users(app, [*dumps.COLLIDING_USERS, later])
    status = client.get("/api/v1/import.status", headers=headers).json
    assert status["state"] == "done"
    assert status["operation"]["count"] == {"total": 5, "users": 5, "completed": 2, "error": 3}
    db = get_db_of(app)
    assert db.users.count_documents({}) == 6 + 2
    assert db.users.count_documents({"username": {"$in": ["newcomer", "later"]}}) == 2


def test_a_bad_dump_stops_the_start_and_nothing_is_served(databases, tmp_path):
    path = tmp_path / "db.dump"
    path.write_bytes(dumps.archive(databases, crc_of={"rocketchat.rocketchat_import": 1}))
    with pytest.raises(DumpError, match="wrong CRC-64 for rocketchat.rocketchat_import"):
        served(path)
    result = run_server_command(["serve", "--export", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot load the export, not starting: {path}: ")


def test_the_prelude_only_folder_of_the_issue_stops_the_start(tmp_path):
    (tmp_path / "prelude.json").write_text('{"ServerVersion":"8.0.8","ToolVersion":"100.12.0"}')
    result = run_server_command(["serve", "--export", str(tmp_path)])
    assert result.exit_code == 2
    assert "a mongodump folder (prelude.json) with no database folder" in result.output


def test_serve_asks_for_db_when_several_databases_look_like_rocketchats(tmp_path):
    path = make("folder", tmp_path, {"parties": dumps.rocketchat(), "meteor": dumps.rocketchat()})
    result = run_server_command(["serve", "--export", str(path)])
    assert result.exit_code == 2
    assert "several Rocket.Chat databases in this mongodump folder: meteor, parties" in (
        result.output
    )
    app = served(path, EXPORT_DB="parties")
    assert get_db_of(app).users.count_documents({}) == 3


def test_export_db_comes_from_the_environment(tmp_path, monkeypatch):
    path = make("folder", tmp_path, {"parties": dumps.rocketchat(), "meteor": dumps.rocketchat(2)})
    monkeypatch.setenv("EXPORT_DB", "meteor")
    assert get_db_of(served(path)).users.count_documents({}) == 2


def test_the_embedded_database_leaves_out_what_the_service_does_not_use(tmp_path, caplog):
    messages = [{"_id": f"m{n}", "rid": "GENERAL", "msg": "hello"} for n in range(3)]
    rocketchat = {
        **dumps.rocketchat(),
        "rocketchat_message": ({"indexes": []}, messages),
        "rocketchat_room": ({"indexes": []}, [{"_id": "GENERAL", "t": "c"}]),
    }
    db = get_db_of(served(make("folder", tmp_path, {"rocketchat": rocketchat})))
    assert "rocketchat_message" not in db.list_collection_names()
    assert db.users.count_documents({}) == 3
    assert "users=3; not loaded, unused by the service: rocketchat_message, rocketchat_room" in (
        caplog.text
    )
