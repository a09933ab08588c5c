"""The sync's plan and run as services (services/sync, sync_plan, sync_run): Rocket.Chat's
deactivation rules across a whole plan, and a run that resumes exactly once."""

import datetime

import pytest

from app.models import sync_plans
from app.services import imports, sync
from tests.support import factories
from tests.support.apps import make_worker

LIMIT = 100  # these tests are about the rules, not the limit
T0 = datetime.datetime(2026, 1, 1)


def imported(db, username, **fields):
    """A user an earlier import created, holding a login token."""
    emails = [{"address": f"{username}@example.com", "verified": True}]
    fields = {"emails": emails, "importIds": [username], "name": username.title(), **fields}
    return factories.insert_user(db, username=username, **fields)[0]


def listed(username, **fields):
    return {
        "username": username,
        "emails": [f"{username}@example.com"],
        "importIds": [username],
        "name": username.title(),
        **fields,
    }


@pytest.fixture
def caller(db):
    factories.insert_roles(db)
    return factories.insert_user(db, username="caller", roles=("admin", "user"))[0]


def planned(db, caller, users, **options):
    sync.new_sync(db, caller["_id"], {"deactivateMissing": True, **options})
    imports.add_users(db, users)
    return sync.plan_page(db, LIMIT, count=100)["plan"]


def entries_of(plan, action):
    return {e["username"]: e for e in plan["entries"] if e["action"] == action}


def test_two_missing_admins_are_counted_together_so_one_stays(db):
    factories.insert_roles(db)
    runner = factories.insert_user(db, username="runner", roles=("user",))[0]
    imported(db, "ada", roles=["admin"])
    imported(db, "ben", roles=["admin"])
    imported(db, "cy")
    plan = planned(db, runner, [listed("cy")])
    (gone,) = entries_of(plan, "deactivate")  # the first by id: either of them
    (kept,) = entries_of(plan, "refused")
    assert {gone, kept} == {"ada", "ben"}
    assert "last active admin" in entries_of(plan, "refused")[kept]["reason"]


def test_the_last_owner_of_a_room_is_refused_with_the_room_named(db, caller):
    olga_owns_sales(db)
    imported(db, "kept")
    plan = planned(db, caller, [listed("kept")])
    reason = entries_of(plan, "refused")["olga"]["reason"]
    assert reason.startswith("user-last-owner: olga is the last owner") and "sales" in reason


def test_relinquishing_the_last_owner_is_deactivated(db, caller):
    olga_owns_sales(db)
    imported(db, "kept")
    plan = planned(db, caller, [listed("kept")], relinquish=True)
    assert list(entries_of(plan, "deactivate")) == ["olga"]


def test_the_caller_is_never_deactivated_even_including_users_not_imported(db, caller):
    imported(db, "kept", roles=["admin"])  # another admin: the caller is not the last one
    plan = planned(db, caller, [listed("kept", roles=["admin"])], includeNotImported=True)
    assert "is the caller" in entries_of(plan, "refused")["caller"]["reason"]


def test_a_deleted_entry_deactivates_a_listed_user(db, caller, worker):
    gone = imported(db, "gone")
    plan = planned(db, caller, [listed("gone", deleted=True)], deactivateMissing=False)
    assert entries_of(plan, "deactivate")["gone"]["changes"] == [["active", True, False]]
    sync.start(db, LIMIT)
    worker.run_pending()
    user = db.users.find_one({"_id": gone["_id"]})
    assert user["active"] is False and user["services"]["resume"]["loginTokens"] == []


def test_a_password_in_the_list_never_reaches_an_existing_user(db, caller, worker):
    kept = imported(db, "kept", services={"password": {"bcrypt": "old-hash"}})
    planned(db, caller, [listed("kept", password="new secret", name="Kept Again")])
    sync.start(db, LIMIT)
    worker.run_pending()
    user = db.users.find_one({"_id": kept["_id"]})
    assert user["name"] == "Kept Again" and user["services"] == {"password": {"bcrypt": "old-hash"}}


def test_a_deactivation_the_rules_forbid_by_run_time_fails_with_the_reason(db, caller, worker):
    imported(db, "ada", roles=["admin"])
    imported(db, "kept")
    planned(db, caller, [listed("kept")])
    # After the plan, the caller stops being an admin: ada is the last one at run time.
    db.users.update_one({"_id": caller["_id"]}, {"$set": {"roles": ["user"]}})
    sync.start(db, LIMIT)
    worker.run_pending()
    (entry,) = [e for e in db.bulkimport_sync_plan_entries.find({"username": "ada"})]
    assert entry["done"] is True and "last active admin" in entry["error"]
    assert db.users.find_one({"username": "ada"})["active"] is True
    assert sync.plan_page(db, LIMIT)["progress"]["failed"] == 1


def test_a_run_resumed_after_a_crash_counts_each_entry_once(db, caller, worker):
    for n in range(6):
        imported(db, f"p{n}")
    planned(db, caller, [listed(f"p{n}", name=f"New {n}") for n in range(6)] + [listed("new")])
    sync.start(db, LIMIT)
    # A worker that wrote three entries and died before marking them done: their writes
    # are done again, to the same effect.
    first = list(sync_plans.pending(db, db.rocketchat_import.find_one()["_id"], 3))[:3]
    for entry in first:
        db.users.update_one({"_id": entry["userId"]}, {"$set": {"name": "half-done"}})
    worker.run_pending()
    progress = sync.plan_page(db, LIMIT)["progress"]
    assert progress == {
        "created": 1,
        "updated": 6,
        "deactivated": 0,
        "reactivated": 0,
        "unchanged": 0,
        "failed": 0,
    }
    assert db.users.count_documents({"name": {"$regex": "^New "}}) == 6
    assert db.users.count_documents({"username": "new"}) == 1


def test_the_plan_is_worked_out_again_when_users_are_added(db, caller):
    imported(db, "kept")
    assert planned(db, caller, [listed("kept")])["counts"]["unchanged"] == 1
    imports.add_users(db, [listed("more")])
    assert sync.plan_page(db, LIMIT)["plan"]["counts"]["create"] == 1


def test_a_sync_cancelled_mid_run_stops_at_its_next_batch(db, caller):
    for n in range(6):
        imported(db, f"p{n}")
    planned(db, caller, [listed(f"p{n}", name=f"New {n}") for n in range(6)])
    sync.start(db, LIMIT)
    worker = make_worker(db, IMPORT_BATCH_SIZE=2)
    worker.on_batch = lambda run: imports.cancel(db)
    try:
        worker.run_pending()
    finally:
        worker.stop()
    assert db.rocketchat_import.find_one()["status"] == "importer_import_cancelled"
    # The batch written when the cancel was seen is counted; the last one is never written.
    assert db.users.count_documents({"name": {"$regex": "^New "}}) == 4
    assert sync.plan_page(db, LIMIT)["progress"]["updated"] == 4


def olga_owns_sales(db):
    """An imported olga, the only owner of the channel sales."""
    owner = imported(db, "olga")
    db.rocketchat_subscription.insert_one(
        {
            "_id": "s1",
            "rid": "r1",
            "t": "c",
            "name": "sales",
            "roles": ["owner"],
            "ts": T0,
            "u": {"_id": owner["_id"], "username": "olga"},
        }
    )
