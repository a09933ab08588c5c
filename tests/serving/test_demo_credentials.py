"""The demo's public credentials: said loudly when seeded, never seeded beside other users;
token create on a seeded database; serve --token-for naming users that exist; an empty
file's dry run saying why it fails."""

import pymongo
import pytest
from click.testing import CliRunner

from app.client.main import main as import_users
from app.serving import server
from tests.support import dumps
from tests.support.apps import run_server_command
from tests.support.dumps import make

WARNING = "WARNING: seeding the DEMO fixtures, whose credentials are PUBLIC"


def users_of(url):
    with pymongo.MongoClient(url) as client:
        return sorted(u["username"] for u in client.get_default_database().users.find())


def add_user(url, username):
    with pymongo.MongoClient(url) as client:
        client.get_default_database().users.insert_one({"_id": username, "username": username})


@pytest.mark.wire
def test_seeding_the_demo_says_loudly_that_its_credentials_are_public(wire_url):
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(WARNING)
    assert "admin / password" in result.output


@pytest.mark.wire
def test_the_demo_is_not_seeded_beside_other_users(wire_url):
    for username in ("ann", "bob.real", "carol", "dave"):
        add_user(wire_url, username)
    result = run_server_command(["seed"], MONGO_URL=wire_url)
    assert result.exit_code == 2
    assert (
        "error: refusing to seed the demo's public credentials into"
        in result.output  # the database's name, then who is there
    )
    assert "which holds 4 other users (ann, bob.real, carol, …), nothing written" in result.output
    assert users_of(wire_url) == ["ann", "bob.real", "carol", "dave"]


@pytest.mark.wire
def test_seeding_the_demo_again_after_imports_is_still_harmless(wire_url):
    assert run_server_command(["seed"], MONGO_URL=wire_url).exit_code == 0
    add_user(wire_url, "imported.later")  # the demo was used: no new credential is written
    again = run_server_command(["seed"], MONGO_URL=wire_url)
    assert again.exit_code == 0, again.output
    assert "nothing written" in again.output


@pytest.mark.wire
def test_a_backup_is_seeded_beside_other_users_as_before(wire_url, tmp_path):
    add_user(wire_url, "ann")
    path = make("folder", tmp_path, {"rocketchat": dumps.rocketchat()})
    result = run_server_command(["seed", "--export", str(path)], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    assert WARNING not in result.output


@pytest.mark.wire
def test_token_create_for_admin_works_on_a_seeded_demo(wire_url):
    assert run_server_command(["seed"], MONGO_URL=wire_url).exit_code == 0
    result = run_server_command(["token", "create", "--user", "admin"], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    assert "personal access token for admin (shown once)" in result.output


def test_serve_token_for_a_user_the_backup_lacks_names_some_it_has(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "run", lambda build, host, port: pytest.fail("it started"))
    path = make("archive", tmp_path, {"rocketchat": dumps.rocketchat(users=8)})
    result = run_server_command(["serve", "--export", str(path), "--token-for", "ghost"])
    assert result.exit_code == 2
    names = [user["username"] for user in dumps.rocketchat(users=8)["users"][1][:5]]
    assert result.output == (
        f"error: not starting: no user with the username or _id 'ghost'; its users include "
        f"{', '.join(names)} (3 more)\n"
    )


def test_the_demo_token_for_an_unknown_user_names_the_demos_users(monkeypatch):
    monkeypatch.setattr(server, "run", lambda build, host, port: pytest.fail("it started"))
    result = run_server_command(["serve", "--token-for", "ghost"])
    assert result.exit_code == 2
    assert result.output.endswith("its users include admin, alice, bob\n")


def test_an_empty_files_dry_run_says_why_it_exits_1(tmp_path):
    for content in ("", "username,email,importId\n"):
        path = tmp_path / "people.csv"
        path.write_text(content)
        result = CliRunner().invoke(import_users, ["--dry-run", str(path)])
        assert result.exit_code == 1
        assert result.output == (
            f"Dry run: no users in {path} (an empty file, or a header alone): nothing to import"
            " (exit status 1, as the import would end); nothing was sent.\n"
        )
