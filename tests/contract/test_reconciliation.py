"""One reconciliation of a file's users (app/contract/reconciliation.py): read = refused before
the import + not selected + created + updated + failed in the run + not processed, each part
named, channels and messages never counted as users; the CLI prints it and reports by part."""

from hypothesis import given
from hypothesis import strategies as st

from app.contract.reconciliation import reconcile, run_counts, sentence
from tests.support import factories
from tests.support.live import LiveService, read_report, run


def test_the_2000_line_file_adds_up_in_named_parts():
    count = {"total": 1996, "users": 1996, "completed": 1993, "error": 3}
    reconciled = reconcile({"count": count}, refused=4, sent=1996)
    assert sentence(reconciled) == (
        "2,000 users read: 4 refused before the import, 1,993 created, 3 failed in the run"
    )


def test_a_rocket_chat_slack_operation_counts_its_users_only():
    # Rocket.Chat counts channels and messages in total, completed and error too.
    count = {"total": 49, "users": 10, "channels": 4, "messages": 35, "completed": 39, "error": 0}
    assert run_counts({"count": count}) == {"users": 10, "created": 10, "updated": 0, "failed": 0}


def test_updated_users_are_a_part_once_the_server_reports_them():
    # Rocket.Chat's operations have only `count`; this service's file importers tell users
    # apart (the API importer never updates a user: no "0 updated" there).
    api_run = {"importerKey": "api", "count": {"total": 2, "completed": 2}}
    assert "updated" not in sentence(reconcile({**api_run, "userCounts": {"created": 2}}))
    assert "updated" not in sentence(reconcile({"count": {"total": 2, "completed": 2}}))
    reported = {
        "importerKey": "csv",
        "count": {"total": 5, "users": 3, "channels": 1, "messages": 1, "completed": 3},
        "userCounts": {"selected": 3, "created": 2, "updated": 1, "failed": 0},
    }
    assert sentence(reconcile(reported)) == (
        "3 users read: 0 refused before the import, 2 created, 1 updated, 0 failed in the run"
    )


def test_a_run_that_stopped_names_what_it_did_not_reach():
    count = {"total": 500, "users": 500, "completed": 200, "error": 10}
    assert sentence(reconcile({"count": count}, sent=500)).endswith(
        "200 created, 10 failed in the run, 290 not processed"
    )


numbers = st.one_of(st.integers(-5, 3000), st.floats(0, 3000), st.none(), st.text(max_size=2))
counts = st.dictionaries(
    st.sampled_from(["total", "users", "completed", "error", "channels"]), numbers
)
user_counts = st.dictionaries(
    st.sampled_from(["selected", "created", "updated", "failed"]), numbers
)
operations = st.one_of(
    st.none(),
    st.fixed_dictionaries({"count": counts}),
    st.fixed_dictionaries({"count": counts, "userCounts": user_counts}),
)


@given(
    operations, st.integers(0, 100), st.integers(0, 100), st.one_of(st.none(), st.integers(0, 3000))
)
def test_read_is_always_the_sum_of_parts_none_negative(operation, refused, unselected, sent):
    reconciled = reconcile(operation, refused=refused, unselected=unselected, sent=sent)
    parts = reconciled["parts"]
    assert reconciled["read"] == sum(parts.values())
    assert all(isinstance(n, int) and n >= 0 for n in parts.values())
    run = run_counts(operation)
    assert parts["created"] + parts["updated"] + parts["failed"] <= run["users"]


def test_the_command_prints_the_reconciliation_and_reports_each_user_by_part(tmp_path):
    live = LiveService()
    try:
        factories.insert_user(live.db, username="taken")
        path = tmp_path / "users.csv"
        path.write_text(
            "username,email,importId,roles\n"
            "ok.1,ok.1@x.org,1,user\n"
            "noemail,,2,user\n"  # refused by the checks
            "emperor,e@x.org,3,emperor\n"  # refused by import.addUsers
            "taken,t@x.org,4,user\n"  # failed in the run
            "ok.2,ok.2@x.org,5,user\n"
        )
        result = run(live, path, "--report", tmp_path / "errors.csv")
    finally:
        live.close()
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "5 users read: 2 refused before the import, 2 created, 1 failed in the run; in "
    )
    assert "failed in the run 1" in result.stderr.splitlines()[-1]  # the progress, alike
    rows = read_report(tmp_path / "errors.csv")
    assert [(row["line"], row["part"]) for row in rows] == [
        ("3", "refused before the import"),
        ("4", "refused before the import"),
        ("5", "failed in the run"),
    ]
