"""The import steps Rocket.Chat stores (`status`) and the states import.status reports."""

NEW = "importer_new"
USER_SELECTION = "importer_user_selection"
IMPORTING_STARTED = "importer_importing_started"
IMPORTING_USERS = "importer_importing_users"
IMPORTING_CHANNELS = "importer_importing_channels"
IMPORTING_MESSAGES = "importer_importing_messages"
FINISHING = "importer_finishing"
DONE = "importer_done"
FAILED = "importer_import_failed"
CANCELLED = "importer_import_cancelled"

_LOADING = (
    "importer_uploading",
    "importer_downloading_file",
    "importer_file_loaded",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages",
    "importer_preparing_contacts",
)
IMPORTING = (
    IMPORTING_STARTED,
    IMPORTING_USERS,
    IMPORTING_CHANNELS,
    IMPORTING_MESSAGES,
    "importer_importing_contacts",
    "importer_importing_files",
    FINISHING,
)

STATE_OF_STATUS = {
    NEW: "new",
    **dict.fromkeys(_LOADING, "loading"),
    USER_SELECTION: "ready",
    **dict.fromkeys(IMPORTING, "importing"),
    DONE: "done",
    FAILED: "error",
    CANCELLED: "canceled",
}

FINISHED_STATES = ("done", "error", "canceled")


def state_of(operation):
    """Return the state import.status reports for an operation document."""
    status = operation.get("status")
    if operation.get("valid") is not True and status != DONE:
        return "error"
    # An unknown step (a newer Rocket.Chat's) is reported as an error rather than guessed.
    return STATE_OF_STATUS.get(status, "error")
