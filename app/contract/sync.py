"""What a sync is made of, shared by the server, the command line and the console: the
actions of a plan, the words of its summary and of its report, the operation's own fields.

Pure constants and functions (no imports), like the rest of the contract.
"""

CREATE, UPDATE, DEACTIVATE, REACTIVATE, UNCHANGED, REFUSED = (
    "create",
    "update",
    "deactivate",
    "reactivate",
    "unchanged",
    "refused",
)
# Every action of a plan, in the order a plan's counts are shown.
ACTIONS = (CREATE, UPDATE, DEACTIVATE, REACTIVATE, UNCHANGED, REFUSED)
# The actions import.run carries out; the others change nothing.
WRITING_ACTIONS = (CREATE, UPDATE, DEACTIVATE, REACTIVATE)
# What a run reports of each action carried out (and `failed`: planned, not done).
DONE_WORDS = {
    CREATE: "created",
    UPDATE: "updated",
    DEACTIVATE: "deactivated",
    REACTIVATE: "reactivated",
    UNCHANGED: "unchanged",
}
# The fields a sync compares and changes; never the password, never `services`.
SYNCED_FIELDS = ("name", "emails", "roles", "type", "bio", "statusText", "customFields", "active")

MODE = "sync"  # import.new's `mode` that makes the operation a sync
OPERATION_FIELD = "_sync"  # ours, on the operation: {options, plan summary}
PROGRESS_FIELD = "syncCounts"  # ours, on the operation: what the run has done so far
OVER_LIMIT = "error-sync-over-limit"
NOT_A_SYNC = "error-not-a-sync"
DEFAULT_MAX_DEACTIVATE_PERCENT = 10


def plan_summary(counts):
    """Return the one line that tells what a plan would do (nothing is changed yet)."""
    main = ", ".join(
        f"{DONE_WORDS[action]} {counts.get(action, 0)}"
        for action in (CREATE, UPDATE, DEACTIVATE, UNCHANGED)
    )
    rest = f"reactivated {counts.get(REACTIVATE, 0)}, refused {counts.get(REFUSED, 0)}"
    return f"Plan (nothing changed yet): {main} ({rest})"


def run_report(done):
    """Return the one line that tells what a finished sync did."""
    words = [f"{word} {done.get(word, 0)}" for word in DONE_WORDS.values()]
    return ", ".join([*words, f"failed {done.get('failed', 0)}"])
