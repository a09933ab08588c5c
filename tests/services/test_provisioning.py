"""The provisioning core: one person created, updated, deactivated and reactivated as
Rocket.Chat's importer and setUserActiveStatus do; a refused change changes nothing."""

import pytest

from app.services import provisioning
from tests.support import factories


def person(**fields):
    return {"username": "jane", "name": "Jane", "emails": ["jane@example.com"], **fields}


def create(db, **fields):
    return provisioning.create(db, person(**fields), bcrypt_rounds=4)


@pytest.fixture
def admin(db):
    return factories.insert_user(db, roles=("admin", "user"), username="admin")[0]


def test_a_created_user_is_written_as_the_file_importers_write_one(db):
    user = create(db, password="pw")
    stored = db.users.find_one({"_id": user["_id"]})
    assert stored == user and len(user["_id"]) == 17
    assert user["roles"] == ["user"] and user["active"] is True and user["status"] == "offline"
    assert user["services"]["email2fa"]["enabled"] is True and "importIds" not in user


def test_a_user_without_a_name_gets_the_one_rocketchat_guesses(db):
    assert create(db, name=None, username="billy.bob")["name"] == "Billy Bob"


def test_a_domain_rocketchat_refuses_is_refused(db):
    db.rocketchat_settings.insert_one({"_id": "Accounts_AllowedDomainsList", "value": "corp.com"})
    with pytest.raises(provisioning.Refused, match="error-invalid-domain"):
        create(db)
    assert db.users.count_documents({}) == 0


@pytest.mark.parametrize("field", ["username", "emails"])
def test_a_taken_identity_is_refused(db, field):
    factories.insert_user(db, username="JANE", emails=[{"address": "JANE@example.com"}])
    other = {"username": "other"} if field == "emails" else {"emails": ["other@example.com"]}
    with pytest.raises(provisioning.Taken):
        create(db, **other)


def test_an_update_changes_what_it_states_and_keeps_the_username(db):
    user = create(db)
    changed = provisioning.update(
        db, user["_id"], {"username": "janet", "name": "Janet", "emails": ["j@example.com"]}
    )
    stored = db.users.find_one({"_id": user["_id"]})
    assert sorted(changed) == ["emails", "name"]
    assert stored["username"] == "jane" and stored["name"] == "Janet"


def test_stated_empty_the_name_and_emails_are_removed(db):
    user = create(db)
    provisioning.update(db, user["_id"], {"name": None, "emails": []})
    stored = db.users.find_one({"_id": user["_id"]})
    assert "name" not in stored and "emails" not in stored


def test_deleted_deactivates_as_rocketchat_does_and_false_reactivates(db, admin):
    user = create(db)
    db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"services.resume.loginTokens": [{"hashedToken": "h"}]}}
    )
    assert provisioning.update(db, user["_id"], {"deleted": True}) == ["active"]
    stored = db.users.find_one({"_id": user["_id"]})
    assert stored["active"] is False and stored["services"]["resume"]["loginTokens"] == []
    assert provisioning.update(db, user["_id"], {"deleted": False}) == ["active"]
    assert db.users.find_one({"_id": user["_id"]})["active"] is True


def test_a_refused_deactivation_leaves_the_other_changes_unmade(db, admin):
    with pytest.raises(provisioning.Refused, match="last active admin"):
        provisioning.update(db, admin["_id"], {"name": "Someone", "deleted": True})
    stored = db.users.find_one({"_id": admin["_id"]})
    assert stored["active"] is True and "name" not in stored


def test_bots_are_never_deactivated(db, admin):
    bot = factories.insert_user(db, username="rocket.cat", type="bot", roles=("bot",))[0]
    with pytest.raises(provisioning.Refused, match="bot"):
        provisioning.deactivate(db, bot["_id"])


def test_unknown_users_are_refused(db):
    for call in (provisioning.deactivate, provisioning.reactivate):
        with pytest.raises(provisioning.NoSuchUser):
            call(db, "nobody")
    with pytest.raises(provisioning.NoSuchUser):
        provisioning.update(db, "nobody", {"name": "x"})
