"""The users the API importer creates are the ones Rocket.Chat 7.x's importer creates, field
for field, under Rocket.Chat's own settings."""

import pytest

from tests import factories


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
