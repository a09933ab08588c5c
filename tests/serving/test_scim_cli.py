"""`bulk-import-server scim-token`: a token printed once on the last line, kept as a hash,
listed without it, revoked at once."""

import pymongo
import pytest

from app import close_app
from tests.support.apps import make_app, run_server_command

pytestmark = pytest.mark.wire


def scim_status(url, token):
    app = make_app(MONGO_URL=url)
    try:
        return (
            app.test_client()
            .get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
            .status_code
        )
    finally:
        close_app(app)


def test_create_prints_the_token_once_on_the_last_line_and_keeps_its_hash(wire_url):
    result = run_server_command(["scim-token", "create", "okta"], MONGO_URL=wire_url)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("rcscim_") and result.stdout.count(token) == 1
    with pymongo.MongoClient(wire_url) as client:
        stored = client.get_default_database().bulkimport_scim_tokens.find_one({"_id": "okta"})
    assert token not in str(stored) and stored["bypassRateLimit"] is False
    assert scim_status(wire_url, token) == 200


def test_list_names_the_tokens_never_a_token(wire_url):
    created = run_server_command(
        ["scim-token", "create", "entra", "--bypass-rate-limit"], MONGO_URL=wire_url
    )
    token = created.stdout.strip().splitlines()[-1]
    listed = run_server_command(["scim-token", "list"], MONGO_URL=wire_url)
    assert listed.exit_code == 0
    assert listed.stdout.startswith("entra\tcreated ") and "not rate limited" in listed.stdout
    assert "last used never" in listed.stdout and token not in listed.stdout


def test_revoke_closes_the_door_to_that_token_at_once(wire_url):
    token = run_server_command(["scim-token", "create", "okta"], MONGO_URL=wire_url).stdout.split()[
        -1
    ]
    revoked = run_server_command(["scim-token", "revoke", "okta"], MONGO_URL=wire_url)
    assert revoked.exit_code == 0 and "revoked the SCIM token okta" in revoked.stdout
    assert scim_status(wire_url, token) == 401
    assert (
        run_server_command(["scim-token", "list"], MONGO_URL=wire_url).stdout == "no SCIM token\n"
    )


@pytest.mark.parametrize(
    "args, says",
    [
        (["revoke", "nobody"], "no SCIM token named 'nobody'"),
        (["create", "bad name"], "is not a token name"),
    ],
)
def test_a_refused_command_says_why_and_exits_2(wire_url, args, says):
    result = run_server_command(["scim-token", *args], MONGO_URL=wire_url)
    assert result.exit_code == 2 and says in result.stderr


def test_a_second_token_of_a_name_is_refused(wire_url):
    run_server_command(["scim-token", "create", "okta"], MONGO_URL=wire_url)
    again = run_server_command(["scim-token", "create", "okta"], MONGO_URL=wire_url)
    assert again.exit_code == 2 and "exists: revoke it first" in again.stderr


def test_scim_token_needs_mongo_url():
    result = run_server_command(["scim-token", "list"])
    assert result.exit_code == 2 and "MONGO_URL is not set" in result.stderr
