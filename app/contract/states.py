"""The import state machine's vocabulary: the steps Rocket.Chat stores (`status`), the
states import.status reports, every set of them the code decides on, and our own fields.

Pure constants (no imports), so that every layer, and the command-line importer, reads
them from here rather than spelling its own copy.
"""

NEW = "importer_new"
UPLOADING = "importer_uploading"
DOWNLOADING_FILE = "importer_downloading_file"
FILE_LOADED = "importer_file_loaded"
PREPARING_STARTED = "importer_preparing_started"
PREPARING_USERS = "importer_preparing_users"
PREPARING_CHANNELS = "importer_preparing_channels"
PREPARING_MESSAGES = "importer_preparing_messages"
PREPARING_CONTACTS = "importer_preparing_contacts"  # Rocket.Chat's omnichannel contacts
USER_SELECTION = "importer_user_selection"
IMPORTING_STARTED = "importer_importing_started"
IMPORTING_USERS = "importer_importing_users"
IMPORTING_CHANNELS = "importer_importing_channels"
IMPORTING_MESSAGES = "importer_importing_messages"
IMPORTING_CONTACTS = "importer_importing_contacts"
IMPORTING_FILES = "importer_importing_files"
FINISHING = "importer_finishing"
DONE = "importer_done"
FAILED = "importer_import_failed"
CANCELLED = "importer_import_cancelled"

# The file importers' steps before user selection that a worker picks up: a download to
# make or a file to prepare. An operation is inserted at `uploading` only once its file
# is stored whole, so a worker may prepare it from there.
PREPARABLE = (
    UPLOADING,
    DOWNLOADING_FILE,
    FILE_LOADED,
    PREPARING_STARTED,
    PREPARING_USERS,
    PREPARING_CHANNELS,
    PREPARING_MESSAGES,
)
# Every step import.status reports as `loading`.
LOADING = (*PREPARABLE, PREPARING_CONTACTS)
IMPORTING = (
    IMPORTING_STARTED,
    IMPORTING_USERS,
    IMPORTING_CHANNELS,
    IMPORTING_MESSAGES,
    IMPORTING_CONTACTS,
    IMPORTING_FILES,
    FINISHING,
)

# The runner's walk: the user steps create users; the later steps follow in order (API
# imports have no channels or messages).
USER_STEPS = (IMPORTING_STARTED, IMPORTING_USERS)
LATER_STEPS = (IMPORTING_CHANNELS, IMPORTING_MESSAGES, FINISHING)
# What a worker may claim: a step the runner knows how to resume, or a file to prepare
# (one lease discipline for both).
CLAIMABLE = (*USER_STEPS, *LATER_STEPS, *PREPARABLE)
# The steps getImportFileData shows a selection in (and startImport starts from the first).
SELECTABLE = (USER_SELECTION, *IMPORTING, DONE)
# What import.cancel may finish at once when no live worker holds the operation.
WAITING = (NEW, USER_SELECTION, *IMPORTING)

STATE_OF_STATUS = {
    NEW: "new",
    **dict.fromkeys(LOADING, "loading"),
    USER_SELECTION: "ready",
    **dict.fromkeys(IMPORTING, "importing"),
    DONE: "done",
    FAILED: "error",
    CANCELLED: "canceled",
}

# Every state import.status reports, in the published schema's order; `none`: no operation.
REPORTED_STATES = ("none", "new", "loading", "ready", "importing", "done", "error", "canceled")
# States in which import.addUsers cannot take users (the data is being loaded or imported).
BUSY_STATES = ("loading", "importing")
FINISHED_STATES = ("done", "error", "canceled")
# States an operation reaches once import.run or startImport took effect.
STARTED_STATES = ("importing", *FINISHED_STATES)
# States import.cancel acts in: those of the steps it may finish (a file being loaded and a
# finished operation are refused).
CANCELLABLE_STATES = tuple(dict.fromkeys(STATE_OF_STATUS[status] for status in WAITING))

# Our own fields on an operation document (Rocket.Chat has neither).
LEASE = "_importLease"  # which worker runs the operation, until when
CANCEL = "_cancelRequested"  # import.cancel asked the worker to stop
SELECTION_PENDING = "_selectionPending"  # startImport has not finished applying the selection
FILE_ID = "_fileId"  # the GridFS id of a file operation's file
DOWNLOAD = "_download"  # `{url}` a worker has yet to download
ERROR_MESSAGE = "errorMessage"  # why a file could not be prepared
NOT_IMPORTED = "notImported"  # what a file operation reads and counts but does not import
# The run's users, channels and messages never mixed in: {selected, created, updated, failed}.
USER_COUNTS = "userCounts"
# What the run did to rooms: {created, existing, joined, unknownMembers, unknownMemberCount}.
ROOM_COUNTS = "roomCounts"
ROOMS_TOUCHED = "_roomsTouched"  # the rooms a run subscribed users to (recounted at its end)


def state_of(operation):
    """Return the state import.status reports for an operation document."""
    status = operation.get("status")
    if operation.get("valid") is not True and status != DONE:
        return "error"
    # An unknown step (a newer Rocket.Chat's) is reported as an error rather than guessed.
    return STATE_OF_STATUS.get(status, "error")
