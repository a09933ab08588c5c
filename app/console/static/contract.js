// What the server shares with its clients, for the console: generated from app/contract by
// tools/console_contract.py. Do not edit: change the Python, then run
// `python tools/console_contract.py` (a test fails while this file is out of date).

// Frozen all the way down, as the Python tuples are: no module can change the contract.
const frozen = (value) => {
  if (value !== null && typeof value === "object") Object.values(value).forEach(frozen);
  return Object.freeze(value);
};

// app/contract/states.py
export const states = frozen({
  "NEW": "importer_new",
  "UPLOADING": "importer_uploading",
  "DOWNLOADING_FILE": "importer_downloading_file",
  "FILE_LOADED": "importer_file_loaded",
  "PREPARING_STARTED": "importer_preparing_started",
  "PREPARING_USERS": "importer_preparing_users",
  "PREPARING_CHANNELS": "importer_preparing_channels",
  "PREPARING_MESSAGES": "importer_preparing_messages",
  "PREPARING_CONTACTS": "importer_preparing_contacts",
  "USER_SELECTION": "importer_user_selection",
  "IMPORTING_STARTED": "importer_importing_started",
  "IMPORTING_USERS": "importer_importing_users",
  "IMPORTING_CHANNELS": "importer_importing_channels",
  "IMPORTING_MESSAGES": "importer_importing_messages",
  "IMPORTING_CONTACTS": "importer_importing_contacts",
  "IMPORTING_FILES": "importer_importing_files",
  "FINISHING": "importer_finishing",
  "DONE": "importer_done",
  "FAILED": "importer_import_failed",
  "CANCELLED": "importer_import_cancelled",
  "PREPARABLE": [
    "importer_uploading",
    "importer_downloading_file",
    "importer_file_loaded",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages"
  ],
  "LOADING": [
    "importer_uploading",
    "importer_downloading_file",
    "importer_file_loaded",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages",
    "importer_preparing_contacts"
  ],
  "IMPORTING": [
    "importer_importing_started",
    "importer_importing_users",
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_importing_contacts",
    "importer_importing_files",
    "importer_finishing"
  ],
  "USER_STEPS": [
    "importer_importing_started",
    "importer_importing_users"
  ],
  "LATER_STEPS": [
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_finishing"
  ],
  "CLAIMABLE": [
    "importer_importing_started",
    "importer_importing_users",
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_finishing",
    "importer_uploading",
    "importer_downloading_file",
    "importer_file_loaded",
    "importer_preparing_started",
    "importer_preparing_users",
    "importer_preparing_channels",
    "importer_preparing_messages"
  ],
  "SELECTABLE": [
    "importer_user_selection",
    "importer_importing_started",
    "importer_importing_users",
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_importing_contacts",
    "importer_importing_files",
    "importer_finishing",
    "importer_done"
  ],
  "WAITING": [
    "importer_new",
    "importer_user_selection",
    "importer_importing_started",
    "importer_importing_users",
    "importer_importing_channels",
    "importer_importing_messages",
    "importer_importing_contacts",
    "importer_importing_files",
    "importer_finishing"
  ],
  "STATE_OF_STATUS": {
    "importer_new": "new",
    "importer_uploading": "loading",
    "importer_downloading_file": "loading",
    "importer_file_loaded": "loading",
    "importer_preparing_started": "loading",
    "importer_preparing_users": "loading",
    "importer_preparing_channels": "loading",
    "importer_preparing_messages": "loading",
    "importer_preparing_contacts": "loading",
    "importer_user_selection": "ready",
    "importer_importing_started": "importing",
    "importer_importing_users": "importing",
    "importer_importing_channels": "importing",
    "importer_importing_messages": "importing",
    "importer_importing_contacts": "importing",
    "importer_importing_files": "importing",
    "importer_finishing": "importing",
    "importer_done": "done",
    "importer_import_failed": "error",
    "importer_import_cancelled": "canceled"
  },
  "REPORTED_STATES": [
    "none",
    "new",
    "loading",
    "ready",
    "importing",
    "done",
    "error",
    "canceled"
  ],
  "BUSY_STATES": [
    "loading",
    "importing"
  ],
  "FINISHED_STATES": [
    "done",
    "error",
    "canceled"
  ],
  "STARTED_STATES": [
    "importing",
    "done",
    "error",
    "canceled"
  ],
  "CANCELLABLE_STATES": [
    "new",
    "ready",
    "importing"
  ],
  "LEASE": "_importLease",
  "CANCEL": "_cancelRequested",
  "SELECTION_PENDING": "_selectionPending",
  "FILE_ID": "_fileId",
  "DOWNLOAD": "_download",
  "ERROR_MESSAGE": "errorMessage",
  "NOT_IMPORTED": "notImported",
  "USER_COUNTS": "userCounts",
  "ROOM_COUNTS": "roomCounts",
  "ROOMS_TOUCHED": "_roomsTouched"
});

// app/contract/rules.py
export const rules = frozen({
  "USER_FIELDS": [
    "username",
    "emails",
    "importIds",
    "name",
    "utcOffset",
    "avatarUrl",
    "deleted",
    "statusText",
    "roles",
    "type",
    "bio",
    "password",
    "customFields",
    "voipExtension",
    "channels"
  ],
  "DEFAULT_COUNT": 50,
  "MAX_COUNT": 100,
  "REQUIRED_LISTS": [
    "emails",
    "importIds"
  ],
  "MAX_STRING": 2048,
  "ADD_USERS_CHUNK": 500,
  "NOT_INITIALIZED": "Import operation not initialized.",
  "CANNOT_RECEIVE": "The current import operation can not receive new data.",
  "ALREADY_FINISHED": "The current import operation is already finished.",
  "MISSING_DATA": "Users are missing required data.",
  "INVALID_ROLES": "One or more of the users have been assigned invalid roles.",
  "NOTHING_TO_CANCEL": "There is no import operation to cancel.",
  "CANNOT_CANCEL_LOADING": "The current import operation is loading data and cannot be cancelled."
});

// app/contract/columns.py
export const columns = frozen({
  "COLUMNS": {
    "username": "username",
    "email": "emails",
    "emails": "emails",
    "importid": "importIds",
    "importids": "importIds",
    "name": "name",
    "password": "password",
    "role": "roles",
    "roles": "roles",
    "utcoffset": "utcOffset",
    "avatarurl": "avatarUrl",
    "deleted": "deleted",
    "statustext": "statusText",
    "type": "type",
    "bio": "bio",
    "channel": "channels",
    "channels": "channels"
  },
  "LIST_FIELDS": [
    "emails",
    "importIds",
    "roles",
    "channels"
  ],
  "ROCKETCHAT_COLUMNS": [
    "username",
    "email",
    "name"
  ]
});

// app/contract/files.py
export const files = frozen({
  "SAVE_AS_UTF8": "save it as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)') and upload it again",
  "LATIN1_GUESS": "the file looks saved as Latin-1 or Windows-1252",
  "HEAD_BYTES": 4096,
  "ZIP_MAGIC": "PK\u0003\u0004",
  "XLS_MAGIC": "ÐÏ\u0011à¡±\u001aá",
  "XLSX_MARKS": [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/worksheets/",
    "xl/styles.xml"
  ],
  "ODS_MARK": "mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
  "SPREADSHEETS": {
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)"
  },
  "EXPORT_AS_CSV": "export it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')",
  "USERS_FILE_IMPORTER": "Users file (CSV, JSON, JSON Lines)",
  "USERS_FILE_PATH": "a CSV of users is imported as it is, without a file importer: in the console choose the importer 'Users file (CSV, JSON, JSON Lines)'; with bulk-import-users leave out --importer"
});

// app/contract/reconciliation.py
export const reconciliation = frozen({
  "ROOM_COUNTS": "roomCounts",
  "USER_COUNTS": "userCounts",
  "PARTS": {
    "refused": "refused before the import",
    "unselected": "not selected",
    "created": "created",
    "updated": "updated",
    "failed": "failed in the run",
    "unprocessed": "not processed"
  },
  "ALWAYS": [
    "refused",
    "created",
    "failed"
  ],
  "REPORT_COLUMNS": [
    "line",
    "username",
    "emails",
    "importIds",
    "part",
    "reason"
  ],
  "LIST_SEPARATOR": ";",
  "FORMULA_STARTS": "=+-@\t\r"
});

// app/contract/invitations.py
export const invitations = frozen({
  "QUEUED": "queued",
  "SENDING": "sending",
  "SENT": "sent",
  "FAILED": "failed",
  "SKIPPED": "skipped",
  "REPORTED_STATES": [
    "queued",
    "sent",
    "failed",
    "skipped"
  ],
  "OPEN": [
    "queued",
    "sending"
  ],
  "REQUEUEABLE": [
    "failed",
    "skipped"
  ],
  "NO_EMAIL": "no-email",
  "LOGGED_IN": "logged-in",
  "INACTIVE": "inactive",
  "ALREADY_SENT": "already-sent",
  "ALREADY_QUEUED": "already-queued",
  "NOT_IN_OPERATION": "not-in-operation",
  "CANCELLED": "cancelled",
  "USER_REMOVED": "user-removed",
  "SKIP_REASONS": {
    "no-email": "the user has no e-mail address",
    "logged-in": "the user has logged in already",
    "inactive": "the user is deactivated",
    "already-sent": "an invitation was sent already (resend: true sends another)",
    "already-queued": "an invitation is waiting to be sent",
    "not-in-operation": "no user of that username was created by the operation",
    "cancelled": "import.invitations.cancel stopped it before it was sent",
    "user-removed": "the user was deleted before the mail was sent"
  },
  "JOB_NONE": "none",
  "JOB_SENDING": "sending",
  "JOB_DONE": "done",
  "JOB_STATUSES": [
    "none",
    "sending",
    "done"
  ]
});

// app/contract/sync.py
export const sync = frozen({
  "CREATE": "create",
  "UPDATE": "update",
  "DEACTIVATE": "deactivate",
  "REACTIVATE": "reactivate",
  "UNCHANGED": "unchanged",
  "REFUSED": "refused",
  "ACTIONS": [
    "create",
    "update",
    "deactivate",
    "reactivate",
    "unchanged",
    "refused"
  ],
  "WRITING_ACTIONS": [
    "create",
    "update",
    "deactivate",
    "reactivate"
  ],
  "DONE_WORDS": {
    "create": "created",
    "update": "updated",
    "deactivate": "deactivated",
    "reactivate": "reactivated",
    "unchanged": "unchanged"
  },
  "SYNCED_FIELDS": [
    "name",
    "emails",
    "roles",
    "type",
    "bio",
    "statusText",
    "customFields",
    "active"
  ],
  "MODE": "sync",
  "OPERATION_FIELD": "_sync",
  "PROGRESS_FIELD": "syncCounts",
  "OVER_LIMIT": "error-sync-over-limit",
  "NOT_A_SYNC": "error-not-a-sync",
  "DEFAULT_MAX_DEACTIVATE_PERCENT": 10
});
