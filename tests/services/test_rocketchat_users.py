"""The users the API importer creates are the ones Rocket.Chat 7.x's importer creates, field
for field, under Rocket.Chat's own settings."""

import pytest

from app.services.accounts import guess_name
from tests.support import factories

NAMES = "customFields property names must not be empty, hold '.' or start with '$':"


def setting(db, name, value):
    """Write a Rocket.Chat setting as Rocket.Chat keeps it."""
    db.rocketchat_settings.replace_one(
        {"_id": name}, {"_id": name, "value": value, "_updatedAt": factories.now()}, upsert=True
    )


def run(admin, worker, users):
    assert admin.post("import.new").status_code == 200
    staged = admin.post("import.addUsers", json={"users": users})
    assert staged.status_code == 200, staged.json
    assert admin.post("import.run").status_code == 200
    worker.run_pending()


def imported(db, username):
    return db.users.find_one({"username": username})


def ada(**fields):
    return {"username": "ada", "emails": ["ada@example.com"], "importIds": ["ada"], **fields}


def test_without_default_roles_a_user_without_roles_is_a_user(db, admin, worker):
    setting(db, "Accounts_Registration_Users_Default_Roles", "")
    run(admin, worker, [ada()])
    assert imported(db, "ada")["roles"] == ["user"]


def test_own_roles_are_kept_when_there_are_no_default_roles(db, admin, worker):
    setting(db, "Accounts_Registration_Users_Default_Roles", "")
    run(admin, worker, [ada(roles=["bot"])])
    assert imported(db, "ada")["roles"] == ["bot"]


@pytest.mark.parametrize(
    ("value", "written"),
    [(None, True), (True, True), (False, False)],
    ids=["unset (Rocket.Chat's default)", "on", "off"],
)
def test_email_2fa_is_written_only_when_rocket_chat_would(db, admin, worker, value, written):
    if value is not None:
        setting(db, "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In", value)
    run(admin, worker, [ada()])
    services = imported(db, "ada")["services"]
    assert ("email2fa" in services) is written
    if written:
        assert services["email2fa"]["enabled"] is True


def test_custom_fields_and_the_voip_extension_are_kept_as_rocket_chat_keeps_them(db, admin, worker):
    custom = {"department": "R&D", "employeeId": "4711"}
    run(admin, worker, [ada(customFields=custom, voipExtension="2001")])
    user = imported(db, "ada")
    assert user["customFields"] == custom
    assert user["freeSwitchExtension"] == "2001"
    assert "voipExtension" not in user


def test_a_voip_extension_already_held_fails_the_user_and_says_why(db, admin, worker):
    factories.insert_user(db, username="phone", freeSwitchExtension="2001")
    bob = {"username": "bob", "emails": ["bob@example.com"], "importIds": ["bob"]}
    run(admin, worker, [ada(voipExtension="2001"), {**bob, "voipExtension": "2002"}])
    assert imported(db, "ada") is None and imported(db, "bob")["freeSwitchExtension"] == "2002"
    (failed,) = admin.get("import.errors").json["users"]
    assert failed["errors"] == [{"message": "voipExtension already in use: 2001"}]


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("R&D", "customFields must be object"),
        ({"team": {"a": "b"}}, "customFields/team must be string"),
        ({"$where": "1"}, f"{NAMES} '$where'"),
        ({"a.b": "1"}, f"{NAMES} 'a.b'"),
        ({f"k{n}": "v" for n in range(101)}, "customFields must NOT have more than 100 properties"),
        ({"bio": "x" * 2049}, "customFields/bio must NOT have more than 2048 characters"),
    ],
    ids=["not-an-object", "nested", "dollar", "dot", "too-many", "too-long"],
)
def test_custom_fields_that_mongodb_or_a_chat_account_cannot_hold_are_refused(
    db, admin, custom, message
):
    assert admin.post("import.new").status_code == 200
    before = factories.snapshot(db)
    answer = admin.post("import.addUsers", json={"users": [ada(customFields=custom)]})
    assert answer.status_code == 400
    assert answer.json["error"] == f"{message} [invalid-params]"
    assert factories.snapshot(db) == before


def test_services_from_a_body_are_never_stored_and_the_answer_says_so(db, admin, caplog):
    assert admin.post("import.new").status_code == 200
    planted = {"resume": {"loginTokens": [{"hashedToken": "planted-token-hash"}]}}
    users = [ada(), {**ada(), "username": "eve", "services": planted, "x": 1}]
    answer = admin.post("import.addUsers", json={"users": users})
    assert answer.status_code == 200
    assert answer.json == {"notKept": {"services": [1], "x": [1]}, "success": True}
    staged = [record["data"] for record in db.rocketchat_import_data.find()]
    assert all("services" not in data and "x" not in data for data in staged)
    assert "planted-token-hash" not in caplog.text


def test_an_answer_with_every_field_kept_is_rocket_chats(admin):
    assert admin.post("import.new").status_code == 200
    assert admin.post("import.addUsers", json={"users": [ada()]}).json == {"success": True}


# What Rocket.Chat's guessNameFromUsername answers, run in Node (JavaScript's \W is ASCII).
GUESSED = [
    ("billy.bob", "Billy Bob"),
    ("billy.bob_smith-jr", "Billy Bob_smith Jr"),
    ("_x", "_x"),
    ("józef.nowak", "J Zef Nowak"),
    ("a  b", "A  b"),
    ("x\U0001f512y", "X  y"),
    ("ALL.CAPS", "ALL CAPS"),
    (".dot", " Dot"),
    ("x.y-", "X Y "),
]


@pytest.mark.parametrize(("username", "name"), GUESSED)
def test_a_name_is_guessed_from_the_username_as_rocket_chat_guesses_it(username, name):
    assert guess_name(username) == name
