"""The sync's words, which the command line prints and the console's sync-words.js repeats
(tests/console/sync-words.test.js holds the same lines)."""

from app.contract import sync


def test_the_plan_line_names_each_action_even_at_zero():
    counts = {"create": 1, "update": 1, "deactivate": 1, "unchanged": 1, "refused": 2}
    assert sync.plan_summary(counts) == (
        "Plan (nothing changed yet): created 1, updated 1, deactivated 1, unchanged 1"
        " (reactivated 0, refused 2)"
    )


def test_the_run_report_ends_with_the_failures():
    done = {"created": 1, "updated": 2, "deactivated": 3, "unchanged": 4, "failed": 1}
    assert sync.run_report(done) == (
        "created 1, updated 2, deactivated 3, reactivated 0, unchanged 4, failed 1"
    )
