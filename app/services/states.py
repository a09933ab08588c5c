"""The import steps Rocket.Chat stores (`status`) and the states import.status reports."""

NEW = "importer_new"
UPLOADING = "importer_uploading"
DOWNLOADING_FILE = "importer_downloading_file"
FILE_LOADED = "importer_file_loaded"
PREPARING_STARTED = "importer_preparing_started"
PREPARING_USERS = "importer_preparing_users"
PREPARING_CHANNELS = "importer_preparing_channels"
PREPARING_MESSAGES = "importer_preparing_messages"
USER_SELECTION = "importer_user_selection"
IMPORTING_STARTED = "importer_importing_started"
IMPORTING_USERS = "importer_importing_users"
IMPORTING_CHANNELS = "importer_importing_channels"
IMPORTING_MESSAGES = "importer_importing_messages"
FINISHING = "importer_finishing"
DONE = "importer_done"
FAILED = "importer_import_failed"
CANCELLED = "importer_import_cancelled"

# The steps a file importer's worker picks up: a download to make or a file to prepare.
# An operation is inserted at `uploading` only once its file is stored whole.
PREPARABLE = (
    UPLOADING,
    DOWNLOADING_FILE,
    FILE_LOADED,
    PREPARING_STARTED,
    PREPARING_USERS,
    PREPARING_CHANNELS,
    PREPARING_MESSAGES,
)
_LOADING = (*PREPARABLE, "importer_preparing_contacts")
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
