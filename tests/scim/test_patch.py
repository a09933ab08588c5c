"""PATCH as Okta sends it (`replace` with a value object) and as Entra ID does (capitalised
ops, paths, `emails[type eq "work"].value`, booleans as strings)."""

import pytest

from tests.support.scim import entra_user, okta_user


@pytest.fixture
def user(idp):
    return idp.post("/Users", okta_user()).json


def stored(db, user):
    return db.users.find_one({"_id": user["id"]})


@pytest.mark.parametrize(
    "off, on",
    [
        (
            {"op": "replace", "value": {"active": False}},
            {"op": "replace", "value": {"active": True}},
        ),
        (
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "active", "value": "True"},
        ),
        (
            {"op": "Replace", "path": "active", "value": False},
            {"op": "Add", "path": "active", "value": True},
        ),
    ],
    ids=["okta", "entra-strings", "entra-booleans"],
)
def test_deactivation_and_reactivation_as_each_provider_sends_them(idp, db, user, off, on):
    db.users.update_one(
        {"_id": user["id"]}, {"$push": {"services.resume.loginTokens": {"hashedToken": "h"}}}
    )
    answer = idp.patch(f"/Users/{user['id']}", [off])
    assert answer.status_code == 200 and answer.json["active"] is False
    assert stored(db, user)["active"] is False
    assert stored(db, user)["services"]["resume"]["loginTokens"] == []
    answer = idp.patch(f"/Users/{user['id']}", [on])
    assert answer.status_code == 200 and answer.json["active"] is True
    assert stored(db, user)["active"] is True


def test_entras_update_of_the_work_email_and_family_name(idp, db):
    user = idp.post("/Users", entra_user()).json
    answer = idp.patch(
        f"/Users/{user['id']}",
        [
            {
                "op": "Replace",
                "path": 'emails[type eq "work"].value',
                "value": "updated@contoso.com",
            },
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
        ],
    )
    assert answer.status_code == 200
    assert stored(db, user)["emails"] == [{"address": "updated@contoso.com", "verified": False}]
    assert stored(db, user)["name"] == "givenName updatedFamilyName"
    assert answer.json["emails"][0]["value"] == "updated@contoso.com"


def test_entras_add_of_a_work_email_to_a_user_without_one(idp, db):
    body = entra_user()
    del body["emails"]
    user = idp.post("/Users", body).json
    assert not stored(db, user)["emails"]
    path = 'emails[type eq "work"].value'
    answer = idp.patch(
        f"/Users/{user['id']}", [{"op": "Add", "path": path, "value": "a@contoso.com"}]
    )
    assert answer.status_code == 200
    assert stored(db, user)["emails"] == [{"address": "a@contoso.com", "verified": False}]


def test_a_value_object_with_dotted_paths_and_an_extension_is_applied_where_kept(idp, db, user):
    value = {
        "name.givenName": "Janet",
        "displayName": "Janet Doe",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Sales",
        "title": "Director",
    }
    answer = idp.patch(f"/Users/{user['id']}", [{"op": "replace", "value": value}])
    assert answer.status_code == 200
    assert stored(db, user)["name"] == "Janet Doe"


def test_username_and_external_id_are_replaced_the_rocketchat_username_kept(idp, db, user):
    answer = idp.patch(
        f"/Users/{user['id']}",
        [
            {"op": "Replace", "path": "userName", "value": "jane.roe@example.com"},
            {"op": "Add", "path": "externalId", "value": "e-2"},
        ],
    )
    assert answer.json["userName"] == "jane.roe@example.com" and answer.json["externalId"] == "e-2"
    assert stored(db, user)["username"] == "jane.doe"
    assert idp.find('userName eq "jane.roe@example.com"').json["totalResults"] == 1
    assert idp.find('userName eq "jane.doe@example.com"').json["totalResults"] == 0


def test_removing_the_name_and_the_external_id(idp, db, user):
    answer = idp.patch(
        f"/Users/{user['id']}",
        [{"op": "remove", "path": "displayName"}, {"op": "remove", "path": "name"}],
    )
    assert answer.status_code == 200 and "displayName" not in answer.json
    assert "name" not in stored(db, user)
    idp.patch(f"/Users/{user['id']}", [{"op": "remove", "path": "externalId"}])
    assert "externalId" not in idp.get(f"/Users/{user['id']}").json


@pytest.mark.parametrize(
    "operation, scim_type",
    [
        ({"op": "remove"}, "noTarget"),
        ({"op": "remove", "path": "active"}, "mutability"),
        ({"op": "replace", "value": "x"}, "invalidValue"),
        ({"op": "move", "path": "active", "value": True}, "invalidValue"),
        ({"op": "replace", "path": "active", "value": "perhaps"}, "invalidValue"),
        ({"op": "replace", "path": "name[given eq 1]", "value": "x"}, "invalidPath"),
        ({"op": "replace", "path": 'emails[type co "w"].value', "value": "x"}, "invalidFilter"),
        ({"op": "replace", "path": "a b", "value": "x"}, "invalidPath"),
    ],
)
def test_an_operation_that_cannot_be_applied_is_400_and_changes_nothing(
    idp, db, user, operation, scim_type
):
    before = stored(db, user)
    answer = idp.patch(f"/Users/{user['id']}", [operation])
    assert answer.status_code == 400, answer.json
    assert answer.json["scimType"] == scim_type
    assert stored(db, user) == before


def test_a_patch_without_the_patchop_schema_is_400(idp, user):
    answer = idp.call("PATCH", f"/Users/{user['id']}", json={"Operations": [{"op": "add"}]})
    assert answer.status_code == 400


def test_an_email_taken_by_another_user_is_409(idp, db, user):
    idp.post("/Users", okta_user(login="other@example.com", externalId="o"))
    path = 'emails[type eq "work"].value'
    answer = idp.patch(
        f"/Users/{user['id']}", [{"op": "replace", "path": path, "value": "OTHER@example.com"}]
    )
    assert answer.status_code == 409 and answer.json["scimType"] == "uniqueness"
    assert stored(db, user)["emails"][0]["address"] == "jane.doe@example.com"
