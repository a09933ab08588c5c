"""bulkimport_sync_plan_entries: pages in plan order, the matched users in id order each
once (what the missing users are merged against), outcomes counted by action."""

from app.models import sync_plans


def entry(operation, seq, action, user_id=None, done=False):
    found = {"operation": operation, "seq": seq, "action": action, "done": done, "error": None}
    found["_id"] = sync_plans.entry_id(operation, seq)
    return {**found, **({"userId": user_id} if user_id else {})}


def test_matched_ids_are_ascending_and_each_once(db):
    sync_plans.insert(
        db,
        [
            entry("op", 0, "update", "b"),
            entry("op", 1, "refused", "a"),
            entry("op", 2, "refused", "b"),  # a second entry naming b
            entry("op", 3, "refused"),  # matched nobody
            entry("other", 0, "update", "c"),
        ],
    )
    assert list(sync_plans.matched_ids(db, "op", batch_size=2)) == ["a", "b"]


def test_a_plan_stored_twice_is_the_same_plan(db):
    entries = [entry("op", n, "create", f"u{n}") for n in range(3)]
    sync_plans.insert(db, entries)
    sync_plans.insert(db, [dict(e) for e in entries])
    assert db[sync_plans.COLLECTION].count_documents({}) == 3


def test_outcomes_are_counted_by_action_and_failures_apart(db):
    sync_plans.insert(db, [entry("op", n, "update") for n in range(3)])
    ids = [sync_plans.entry_id("op", n) for n in range(3)]
    sync_plans.mark_done(db, {ids[0]: None, ids[1]: "email already in use"})
    assert sync_plans.count_done(db, "op") == {"update": 1, "failed": 1}
    assert [e["seq"] for e in sync_plans.pending(db, "op", 10)] == [2]


def test_a_page_of_one_action_is_in_plan_order(db):
    sync_plans.insert(db, [entry("op", n, "update" if n % 2 else "create") for n in range(6)])
    page, total = sync_plans.page(db, "op", "update", 1, 5)
    assert total == 3 and [e["seq"] for e in page] == [3, 5]
