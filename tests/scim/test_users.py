"""/scim/v2/Users: created, read, found, replaced and deleted as Rocket.Chat's own users."""

import pytest

from app.extensions.db import get_db
from tests.support import factories
from tests.support.apps import make_app
from tests.support.scim import ERROR, USER, caller, okta_user


def people(db):
    """The users and their SCIM records: what a refused call must leave as it was."""
    snapshot = factories.snapshot(db)
    return {name: snapshot.get(name) for name in ("users", "bulkimport_scim_users")}


def created(idp, **fields):
    answer = idp.post("/Users", okta_user(**fields))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_created_user_is_a_rocketchat_user_as_the_importer_writes_one(idp, db):
    user = created(idp)
    stored = db.users.find_one({"_id": user["id"]})
    assert stored["username"] == "jane.doe"  # derived: Rocket.Chat's rule refuses "@"
    assert stored["name"] == "Jane Doe" and stored["active"] is True
    assert stored["emails"] == [{"address": "jane.doe@example.com", "verified": False}]
    assert stored["roles"] == ["user"] and stored["type"] == "user"
    assert stored["services"]["email2fa"]["enabled"] is True
    assert stored["services"]["password"]["bcrypt"].startswith("$2b$04$")
    assert "importIds" not in stored  # not imported: an import's invitations never take it


def test_the_answer_keeps_the_username_and_external_id_as_given(idp):
    user = created(idp, login="Jane.Doe@Example.com")
    assert user["userName"] == "Jane.Doe@Example.com"
    assert user["externalId"] == "00ujl29u0le5T6Aj10h7"
    assert user["emails"] == [{"value": "Jane.Doe@Example.com", "type": "work", "primary": True}]
    assert user["meta"]["location"].endswith(f"/scim/v2/Users/{user['id']}")
    assert user["meta"]["resourceType"] == "User" and user["meta"]["version"].startswith('W/"')
    assert "password" not in user


def test_the_default_roles_and_email_2fa_follow_rocketchats_settings(idp, db):
    db.rocketchat_settings.insert_many(
        [
            {"_id": "Accounts_Registration_Users_Default_Roles", "value": "user,livechat-agent"},
            {"_id": "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In", "value": False},
        ]
    )
    stored = db.users.find_one({"_id": created(idp)["id"]})
    assert stored["roles"] == ["user", "livechat-agent"]
    assert "email2fa" not in stored["services"]


@pytest.mark.parametrize(
    "taken", [{"login": "JANE.DOE@example.com"}, {"login": "other@example.com"}], ids=str
)
def test_a_taken_username_or_email_is_409_uniqueness_and_nothing_is_created(idp, db, taken):
    created(idp)
    body = okta_user(**taken)
    body["emails"] = [{"value": "jane.doe@example.com", "primary": True}]
    before = db.users.count_documents({})
    answer = idp.post("/Users", body)
    assert answer.status_code == 409
    assert answer.json["schemas"] == [ERROR] and answer.json["status"] == "409"
    assert answer.json["scimType"] == "uniqueness"
    assert db.users.count_documents({}) == before


def test_a_username_rocketchat_holds_is_numbered(idp, db):
    factories.insert_user(db, username="jane.doe")
    stored = db.users.find_one({"_id": created(idp)["id"]})
    assert stored["username"] == "jane.doe-1"


def test_a_rocketchat_user_the_door_never_wrote_is_found_by_its_username(idp, db):
    user, _ = factories.insert_user(db, username="bob")
    answer = idp.find('userName eq "BOB"')
    assert answer.json["totalResults"] == 1
    assert answer.json["Resources"][0]["id"] == user["_id"]
    assert answer.json["Resources"][0]["userName"] == "bob"


@pytest.mark.parametrize(
    "scim_filter",
    [
        'userName eq "jane.doe@EXAMPLE.com"',
        'externalId eq "00ujl29u0le5T6Aj10h7"',
        'emails[type eq "work"].value eq "Jane.Doe@example.com"',
        'userName eq "jane.doe@example.com" and active eq true',
        'emails.value eq "jane.doe@example.com"',
    ],
)
def test_the_filters_identity_providers_send_find_the_user(idp, scim_filter):
    user = created(idp)
    created(idp, login="someone@example.com", externalId="other")
    answer = idp.find(scim_filter)
    assert answer.status_code == 200
    assert answer.json["totalResults"] == 1
    assert [r["id"] for r in answer.json["Resources"]] == [user["id"]]


@pytest.mark.parametrize(
    "scim_filter",
    ['userName eq "nobody@example.com"', 'externalId eq "00UJL29U0LE5T6AJ10H7"', "active eq false"],
)
def test_a_filter_matching_nobody_answers_an_empty_list(idp, scim_filter):
    created(idp)
    answer = idp.find(scim_filter)
    assert answer.status_code == 200
    assert answer.json["totalResults"] == 0 and answer.json["Resources"] == []


@pytest.mark.parametrize(
    "scim_filter",
    [
        'userName co "jane"',
        'title eq "x"',
        'userName eq "a" or',
        '{"$where": "sleep(1000)"}',
        'userName eq ".*") or (1 eq 1',
        "not (active eq true)",
    ],
)
def test_an_unsupported_or_broken_filter_is_400_invalid_filter(idp, scim_filter):
    created(idp)
    answer = idp.find(scim_filter)
    assert answer.status_code == 400
    assert answer.json["scimType"] == "invalidFilter" and answer.json["detail"]


def test_regex_characters_in_a_filter_are_compared_as_text(idp):
    created(idp)
    assert idp.find('userName eq "jane.doe@example.co."').json["totalResults"] == 0
    assert idp.find('userName eq ".*"').json["totalResults"] == 0


def test_pages_follow_start_index_and_count_with_the_total(idp):
    ids = [created(idp, login=f"p{n}@example.com", externalId=f"e{n}")["id"] for n in range(5)]
    first = idp.get("/Users", query_string={"startIndex": 1, "count": 2}).json
    rest = idp.get("/Users", query_string={"startIndex": 3, "count": 10}).json
    assert first["totalResults"] == 6 and rest["totalResults"] == 6  # with the admin
    assert first["itemsPerPage"] == 2 and first["startIndex"] == 1
    shown = [r["id"] for r in first["Resources"] + rest["Resources"]]
    assert set(ids) <= set(shown) and len(shown) == 6


def test_bots_and_apps_are_not_people_of_the_directory(idp, db):
    factories.insert_user(db, username="rocket.cat", type="bot", roles=("bot",))
    answer = idp.get("/Users").json
    assert [r["userName"] for r in answer["Resources"]] == ["admin"]


def test_a_page_count_that_is_not_a_number_is_400(idp):
    answer = idp.get("/Users", query_string={"count": "ten"})
    assert answer.status_code == 400 and answer.json["scimType"] == "invalidValue"


def test_attributes_and_excluded_attributes_shape_the_answer(idp):
    user = created(idp)
    only = idp.get(f"/Users/{user['id']}", query_string={"attributes": "userName,name.formatted"})
    assert only.json == {
        "schemas": [USER],
        "id": user["id"],
        "userName": "jane.doe@example.com",
        "name": {"formatted": "Jane Doe"},
    }
    without = idp.get(f"/Users/{user['id']}", query_string={"excludedAttributes": "emails,meta"})
    assert "emails" not in without.json and "meta" not in without.json
    assert without.json["userName"] == "jane.doe@example.com"


def test_put_replaces_what_rocketchat_keeps_and_keeps_the_username(idp, db):
    user = created(idp)
    body = okta_user(login="jane.smith@example.com", family="Smith", externalId="new-id")
    answer = idp.put(f"/Users/{user['id']}", body)
    assert answer.status_code == 200
    assert answer.json["userName"] == "jane.smith@example.com"
    assert answer.json["externalId"] == "new-id" and answer.json["displayName"] == "Jane Smith"
    stored = db.users.find_one({"_id": user["id"]})
    assert stored["username"] == "jane.doe" and stored["name"] == "Jane Smith"
    assert stored["emails"] == [{"address": "jane.smith@example.com", "verified": False}]


def test_put_to_another_users_username_is_409_and_changes_nothing(idp, db):
    user = created(idp)
    created(idp, login="taken@example.com", externalId="x")
    before = people(db)
    answer = idp.put(f"/Users/{user['id']}", okta_user(login="TAKEN@example.com"))
    assert answer.status_code == 409 and answer.json["scimType"] == "uniqueness"
    assert people(db) == before


def test_a_body_that_is_not_a_user_is_400_and_changes_nothing(idp, db):
    before = people(db)
    for body in (
        {"name": {"givenName": "x"}},
        {"userName": 5},
        {"userName": "a", "active": "maybe"},
    ):
        answer = idp.post("/Users", body)
        assert answer.status_code == 400, body
        assert answer.json["scimType"] == "invalidValue" and answer.json["status"] == "400"
    answer = idp.call("POST", "/Users", data="{not json", content_type="application/scim+json")
    assert answer.status_code == 400 and answer.json["scimType"] == "invalidSyntax"
    assert people(db) == before


def test_delete_deactivates_signs_out_and_the_id_then_answers_404(idp, db):
    user = created(idp)
    db.users.update_one(
        {"_id": user["id"]}, {"$push": {"services.resume.loginTokens": {"hashedToken": "h"}}}
    )
    assert idp.delete(f"/Users/{user['id']}").status_code == 204
    stored = db.users.find_one({"_id": user["id"]})
    assert stored["active"] is False and stored["services"]["resume"]["loginTokens"] == []
    for answer in (idp.get(f"/Users/{user['id']}"), idp.delete(f"/Users/{user['id']}")):
        assert answer.status_code == 404 and answer.json["schemas"] == [ERROR]
    assert idp.find('userName eq "jane.doe@example.com"').json["totalResults"] == 0


def test_a_deleted_username_coming_back_is_the_same_user_reactivated(idp, db):
    user = created(idp)
    idp.delete(f"/Users/{user['id']}")
    again = idp.post("/Users", okta_user())
    assert again.status_code == 201 and again.json["id"] == user["id"]
    assert db.users.find_one({"_id": user["id"]})["active"] is True


def test_the_last_active_admin_is_never_deleted(idp, db):
    admin = db.users.find_one({"username": "admin"})
    answer = idp.delete(f"/Users/{admin['_id']}")
    assert answer.status_code == 400 and "last active admin" in answer.json["detail"]
    assert db.users.find_one({"_id": admin["_id"]})["active"] is True
    assert idp.get(f"/Users/{admin['_id']}").status_code == 200


def test_if_match_with_an_old_version_is_412_and_changes_nothing(idp, db):
    user = created(idp)
    old = user["meta"]["version"]
    idp.patch(f"/Users/{user['id']}", [{"op": "replace", "path": "displayName", "value": "J"}])
    answer = idp.put(f"/Users/{user['id']}", okta_user(), headers={"If-Match": old})
    assert answer.status_code == 412
    assert db.users.find_one({"_id": user["id"]})["name"] == "J"
    current = idp.get(f"/Users/{user['id']}")
    assert current.headers["ETag"] == current.json["meta"]["version"] != old
    again = idp.get(f"/Users/{user['id']}", headers={"If-None-Match": current.headers["ETag"]})
    assert again.status_code == 304


def test_invitations_are_queued_for_created_users_when_asked():
    app = make_app(BCRYPT_ROUNDS=4, SCIM_INVITE=True)
    with app.app_context():
        idp = caller(app.test_client(), get_db())
        user = created(idp)
        invitation = get_db().bulkimport_invitations.find_one({"userId": user["id"]})
        job = get_db().bulkimport_invitation_jobs.find_one({"_id": "scim"})
    assert invitation["state"] == "queued" and invitation["email"] == "jane.doe@example.com"
    assert job["status"] == "sending"


def test_without_the_setting_nobody_is_invited(idp, db):
    created(idp)
    assert db.bulkimport_invitations.count_documents({}) == 0


def test_a_created_user_is_active_even_under_manual_approval(idp, db):
    db.rocketchat_settings.insert_one({"_id": "Accounts_ManuallyApproveNewUsers", "value": True})
    body = okta_user()
    del body["active"]
    assert db.users.find_one({"_id": idp.post("/Users", body).json["id"]})["active"] is True


def test_a_user_created_inactive_stays_inactive(idp, db):
    user = idp.post("/Users", okta_user(active=False)).json
    assert user["active"] is False and db.users.find_one({"_id": user["id"]})["active"] is False
