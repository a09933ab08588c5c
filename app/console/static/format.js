// Words and numbers for people: states, steps, counts, durations, CSV cells.

const NUMBER = new Intl.NumberFormat("en-US");

/** A whole number with thousands separators. */
export const count = (value) => NUMBER.format(Math.round(value || 0));

/** "1 user", "2 users": a count and its noun. */
export const plural = (value, noun) =>
  `${count(value)} ${noun}${Math.round(value || 0) === 1 ? "" : "s"}`;

/** The state of import.status, in words. */
export const STATES = {
  none: "No import operation yet.",
  new: "New: the operation waits for users or a file.",
  loading: "Loading: the file is being read.",
  ready: "Ready: the users are staged and can be imported.",
  importing: "Importing the users…",
  done: "Done: the import is finished.",
  error: "Stopped: the operation failed, was cleared, or was replaced by a newer one.",
  canceled: "Cancelled: the import was stopped.",
};

const STEPS = {
  importer_new: "New operation",
  importer_uploading: "Receiving the file",
  importer_downloading_file: "Downloading the file",
  importer_file_loaded: "File received",
  importer_preparing_started: "Reading the file",
  importer_preparing_users: "Reading the users",
  importer_preparing_channels: "Reading the channels",
  importer_preparing_messages: "Reading the messages",
  importer_preparing_contacts: "Reading the contacts",
  importer_user_selection: "Waiting for the selection",
  importer_importing_started: "Starting the import",
  importer_importing_users: "Importing the users",
  importer_importing_channels: "Importing the channels",
  importer_importing_messages: "Importing the messages",
  importer_importing_contacts: "Importing the contacts",
  importer_importing_files: "Importing the files",
  importer_finishing: "Finishing",
  importer_done: "Done",
  importer_import_failed: "Failed",
  importer_import_cancelled: "Cancelled",
};

/** A step (an operation's `status`), in words; an unknown one as it is. */
export const step = (status) => STEPS[status] || String(status || "–");

const LOADING = new Set([
  "importer_uploading",
  "importer_downloading_file",
  "importer_file_loaded",
  "importer_preparing_started",
  "importer_preparing_users",
  "importer_preparing_channels",
  "importer_preparing_messages",
  "importer_preparing_contacts",
]);

/** The state import.status would report for an operation document. */
export function stateOf(operation) {
  const status = operation.status;
  if (operation.valid !== true && status !== "importer_done") return "error";
  if (status === "importer_new") return "new";
  if (LOADING.has(status)) return "loading";
  if (status === "importer_user_selection") return "ready";
  if (status === "importer_done") return "done";
  if (status === "importer_import_failed") return "error";
  if (status === "importer_import_cancelled") return "canceled";
  return "importing";
}

/** A duration in seconds as "1 min 5 s" or "12 s". */
export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A date of the API (ISO 8601) in the reader's locale. */
export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? "–") : date.toLocaleString();
}

/** One CSV cell, quoted, and defused against spreadsheet formulas. */
export function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
