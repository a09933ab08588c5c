"""The file importers (csv, slack-users) treat users that exist as Rocket.Chat's do: they
update them (and say which fields changed), under Rocket.Chat's account settings, and
never leave the server without an active admin."""

from datetime import timedelta

import pytest

from app.extensions.db import get_db
from app.models import staging
from app.services import migrations
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.apps import Caller, make_worker
from tests.support.fileroutes import status, upload_json
from tests.support.importfiles import SLACK_HEADER, zip_of


def users_zip(*rows):
    """A CSV importer zip whose users.csv holds these (username, email, name) rows."""
    return zip_of({"users.csv": "".join(f"{u},{e},{n}\r\n" for u, e, n in rows).encode()})


def slack_list(*rows):
    """Slack's member list holding these (username, email, status, fullname) rows."""
    lines = [SLACK_HEADER]
    lines += [f"{u},{e},{s},Active,false,false,U1,{n},,0" for u, e, s, n in rows]
    return ("\n".join(lines) + "\n").encode()


def setting(db, name, value):
    db.rocketchat_settings.replace_one({"_id": name}, {"_id": name, "value": value}, upsert=True)


def run_file(admin, worker, content, importer="csv", name="export.zip"):
    """Upload, prepare, select every user, run; return the final operation."""
    assert upload_json(admin, content, importer, name).status_code == 200
    worker.run_pending()
    assert status(admin)["state"] == "ready", status(admin)
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    worker.run_pending()
    return status(admin)["operation"]


def user(db, username):
    return db.users.find_one({"username": username})


def updates(admin):
    answer = admin.get("import.updates")
    assert answer.status_code == 200
    return answer.json


BILLY = ("billy.bob", "billy@example.com", "Billy Bob")
JANE = ("jane", "jane@example.com", "Jane Doe")


def test_a_csv_reimported_with_changed_names_updates_those_users(db, admin, worker):
    run_file(admin, worker, users_zip(BILLY, JANE))
    operation = run_file(admin, worker, users_zip(BILLY[:2] + ("William Bob",), JANE))
    assert operation["status"] == "importer_done"
    assert operation["count"]["error"] == 0 and operation["count"]["completed"] == 2
    assert operation["userCounts"] == {"selected": 2, "created": 0, "updated": 2, "failed": 0}
    assert user(db, "billy.bob")["name"] == "William Bob"
    assert db.users.count_documents({"username": "billy.bob"}) == 1
    listed = updates(admin)
    assert listed["total"] == 2
    by_name = {u["username"]: u for u in listed["users"]}
    assert by_name["billy.bob"]["fields"] == ["name"]
    assert by_name["jane"]["fields"] == []  # found, nothing to change
    assert "William Bob" not in str(listed)  # field names, never values


def test_an_existing_user_is_found_by_email_ignoring_case_and_keeps_its_username(db, admin, worker):
    existing, _ = factories.insert_user(
        db,
        username="b.bob",
        roles=("user", "livechat-agent"),
        emails=[{"address": "Billy@Example.com", "verified": True}],
        importIds=["ldap-7"],
    )
    operation = run_file(admin, worker, users_zip(BILLY))
    assert operation["userCounts"]["updated"] == 1
    after = db.users.find_one({"_id": existing["_id"]})
    assert after["username"] == "b.bob"  # Rocket.Chat would rename; the service does not
    assert after["name"] == "Billy Bob"
    assert after["emails"] == [{"address": "billy@example.com", "verified": False}]
    assert after["importIds"] == ["ldap-7", "billy.bob"]
    assert after["roles"] == ["user", "livechat-agent"]  # a CSV row has no roles to set
    (entry,) = updates(admin)["users"]
    assert entry["user"] == existing["_id"]
    assert set(entry["fields"]) == {"name", "emails", "importIds"}
    assert entry["notes"][0].startswith("username kept: b.bob (the file says billy.bob")


def test_an_existing_user_is_found_by_username_when_the_address_is_new(db, admin, worker):
    existing, _ = factories.insert_user(db, username="Billy.Bob")
    run_file(admin, worker, users_zip(BILLY))
    after = db.users.find_one({"_id": existing["_id"]})
    assert [e["address"] for e in after["emails"]] == ["billy@example.com"]


def test_an_address_found_first_decides_which_user_is_updated(db, admin, worker):
    by_name, _ = factories.insert_user(db, username="billy.bob")
    by_address, _ = factories.insert_user(
        db, username="other", emails=[{"address": "billy@example.com"}]
    )
    run_file(admin, worker, users_zip(BILLY))  # as Rocket.Chat: the e-mail is looked up first
    assert db.users.find_one({"_id": by_address["_id"]})["name"] == "Billy Bob"
    assert "name" not in db.users.find_one({"_id": by_name["_id"]})


def test_an_import_id_another_user_holds_fails_the_update_with_the_reason(db, admin, worker):
    factories.insert_user(db, username="billy.bob")  # found by username ...
    holder, _ = factories.insert_user(db, username="other", importIds=["billy.bob"])
    operation = run_file(admin, worker, users_zip(BILLY))  # ... whose import id is taken
    assert operation["userCounts"]["failed"] == 1
    (failed,) = admin.get("import.errors").json["users"]
    reason = f"already imported: importId billy.bob belongs to user {holder['_id']}"
    assert failed["errors"] == [{"message": reason}]
    assert updates(admin)["total"] == 0


def test_a_deactivated_slack_member_is_deactivated_and_logged_out(client, db, admin, worker):
    member, _ = insert_user_with_password(
        db, username="member", emails=[{"address": "m@example.com", "verified": True}]
    )
    operation = run_file(
        admin,
        worker,
        slack_list(("member", "m@example.com", "Deactivated", "Mem Ber")),
        "slack-users",
        "members.csv",
    )
    assert operation["userCounts"]["updated"] == 1
    after = db.users.find_one({"_id": member["_id"]})
    assert after["active"] is False
    assert after["services"]["resume"]["loginTokens"] == []
    login = client.post("/api/v1/login", json={"user": "member", "password": PASSWORD})
    assert login.status_code == 401
    (entry,) = updates(admin)["users"]
    assert "active" in entry["fields"]


@pytest.mark.parametrize("status_", ["Deactivated", "Bot"])
def test_the_last_active_admin_is_never_demoted(db, admin, worker, status_):
    email = admin.user["emails"][0]["address"]
    operation = run_file(
        admin,
        worker,
        slack_list(("admin", email, status_, "The Admin")),
        "slack-users",
        "members.csv",
    )
    assert operation["userCounts"]["failed"] == 1
    after = db.users.find_one({"_id": admin.user["_id"]})
    assert after["active"] is True and "admin" in after["roles"]
    (failed,) = admin.get("import.errors").json["users"]
    assert failed["errors"][0]["message"].startswith(
        "error-action-not-allowed: admin is the last active admin"
    )


def test_an_admin_may_be_deactivated_while_another_stays(db, admin, worker):
    second, _ = factories.insert_user(db, username="second", roles=("admin",))
    address = second["emails"][0]["address"]
    run_file(
        admin,
        worker,
        slack_list(("second", address, "Deactivated", "S")),
        "slack-users",
        "members.csv",
    )
    assert db.users.find_one({"_id": second["_id"]})["active"] is False


def test_new_file_users_await_approval_when_rocket_chat_asks_for_it(db, admin, worker):
    setting(db, "Accounts_ManuallyApproveNewUsers", True)
    factories.insert_user(db, username="jane", emails=[{"address": "jane@example.com"}])
    run_file(admin, worker, users_zip(BILLY, JANE))
    assert user(db, "billy.bob")["active"] is False  # new: to be approved
    assert user(db, "jane")["active"] is True  # existing: untouched


def test_the_api_importer_ignores_manual_approval_as_rocket_chat_does(db, admin, worker):
    setting(db, "Accounts_ManuallyApproveNewUsers", True)
    assert admin.post("import.new").status_code == 200
    body = {"users": [{"username": "api", "emails": ["api@example.com"], "importIds": ["a"]}]}
    admin.post("import.addUsers", json=body)
    admin.post("import.run")
    worker.run_pending()
    assert user(db, "api")["active"] is True


def test_new_users_outside_the_allowed_domains_are_refused_with_rocket_chats_reason(
    db, admin, worker
):
    setting(db, "Accounts_AllowedDomainsList", "Example.com, partner.org")
    factories.insert_user(db, username="old", emails=[{"address": "old@elsewhere.net"}])
    rows = [BILLY, ("eve", "eve@elsewhere.net", "Eve"), ("old", "old@elsewhere.net", "Old")]
    operation = run_file(admin, worker, users_zip(*rows))
    assert operation["userCounts"] == {"selected": 3, "created": 1, "updated": 1, "failed": 1}
    (failed,) = admin.get("import.errors").json["users"]
    assert failed["errors"][0]["message"].startswith("error-invalid-domain: ")
    assert user(db, "eve") is None


def test_a_missing_name_is_guessed_from_the_username(db, admin, worker):
    run_file(admin, worker, users_zip(("billy.bob_smith-jr", "b@example.com", "")))
    assert user(db, "billy.bob_smith-jr")["name"] == "Billy Bob_smith Jr"


@pytest.mark.parametrize(
    ("importer", "content", "name", "counter"),
    [
        ("csv", users_zip(BILLY, JANE), "export.zip", "CSV_Importer_Count"),
        (
            "slack-users",
            slack_list(("a", "a@example.com", "Member", "A"), ("b", "b@example.com", "Member", "")),
            "members.csv",
            "Slack_Users_Importer_Count",
        ),
    ],
    ids=["csv", "slack-users"],
)
def test_rocket_chats_importer_counters_count_the_users_read(
    db, admin, worker, importer, content, name, counter
):
    setting(db, counter, 5)
    assert upload_json(admin, content, importer, name).status_code == 200
    worker.run_pending()
    assert db.rocketchat_settings.find_one({"_id": counter})["value"] == 7


def test_a_counter_rocket_chat_has_not_created_stays_absent(db, admin, worker):
    assert upload_json(admin, users_zip(BILLY)).status_code == 200
    worker.run_pending()
    assert db.rocketchat_settings.find_one({"_id": "CSV_Importer_Count"}) is None


def test_progress_tells_users_apart_from_channels_and_messages(db, admin, worker):
    factories.insert_user(db, username="jane", emails=[{"address": "jane@example.com"}])
    content = zip_of(
        {
            "users.csv": b"billy.bob,billy@example.com,B\r\njane,jane@example.com,J\r\n",
            "channels.csv": b"general,billy.bob,public,billy.bob;jane\n",
            "general/messages.csv": b'billy.bob,1700000000000,"hi"\n',
        }
    )
    operation = run_file(admin, worker, content)
    assert operation["count"]["total"] == 4  # as Rocket.Chat counts: users, channels, messages
    assert operation["userCounts"] == {"selected": 2, "created": 1, "updated": 1, "failed": 0}
    progress = admin.get("getImportProgress").json
    assert progress["userCounts"] == operation["userCounts"]
    assert progress["count"] == {"completed": 2, "total": 4, "error": 0}


def test_an_interrupted_run_that_updates_users_resumes_with_exact_counts(
    db, admin, worker, monkeypatch
):
    people = [(f"u{n}", f"u{n}@example.com", f"U {n}") for n in range(120)]
    run_file(admin, worker, users_zip(*people))
    renamed = [(u, e, f"{name}!") for u, e, name in people]
    real_delete = staging.delete_ids
    calls = []

    def crash_on_second_batch(db_, ids):
        calls.append(len(ids))
        if len(calls) == 2:
            raise SystemExit("killed")  # after the users were updated, before staging shrank
        real_delete(db_, ids)

    assert upload_json(admin, users_zip(*renamed)).status_code == 200
    worker.run_pending()
    assert admin.post("startImport", json={"input": {"users": {"all": True}}}).status_code == 200
    monkeypatch.setattr(staging, "delete_ids", crash_on_second_batch)
    with pytest.raises(SystemExit):
        worker.run_pending()
    monkeypatch.setattr(staging, "delete_ids", real_delete)
    expired = factories.now() - timedelta(seconds=1)
    db.rocketchat_import.update_one({"valid": True}, {"$set": {"_importLease.expiresAt": expired}})
    other = make_worker(db, worker_id="second")
    try:
        assert other.run_pending() == 1
    finally:
        other.stop()
    operation = status(admin)["operation"]
    assert operation["userCounts"] == {"selected": 120, "created": 0, "updated": 120, "failed": 0}
    assert operation["count"]["completed"] == 120
    listed = updates(admin)
    assert listed["total"] == 120
    assert all(entry["fields"] == ["name"] for entry in listed["users"])
    assert db.users.count_documents({"name": {"$regex": "!$"}}) == 120


@pytest.fixture
def wire_admin(wire_app):
    """An admin on a migrated wire-server database (Rocket.Chat's unique indexes in place)."""
    db = get_db()
    migrations.migrate(db)
    factories.insert_permissions(db)
    factories.insert_roles(db)
    user, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
    return Caller(wire_app.test_client(), user, token)


@pytest.mark.wire
def test_updates_over_real_pymongo(wire_admin):
    db = get_db()
    member, _ = factories.insert_user(
        db, username="Member", emails=[{"address": "M@example.com", "verified": True}]
    )
    worker = make_worker(db)
    try:
        operation = run_file(
            wire_admin,
            worker,
            slack_list(
                ("member", "m@example.com", "Deactivated", "Mem Ber"),
                ("new", "new@example.com", "Member", "New One"),
            ),
            "slack-users",
            "members.csv",
        )
    finally:
        worker.stop()
    assert operation["userCounts"] == {"selected": 2, "created": 1, "updated": 1, "failed": 0}
    after = db.users.find_one({"_id": member["_id"]})
    assert (after["name"], after["active"], after["username"]) == ("Mem Ber", False, "Member")
    assert after["importIds"] == ["m@example.com"]
    assert after["services"]["resume"]["loginTokens"] == []
    assert updates(wire_admin)["users"][0]["user"] == member["_id"]
