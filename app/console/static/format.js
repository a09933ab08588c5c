// Words and numbers for people: states, steps, counts, durations.

import { states } from "./contract.js";

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
  error: "Stopped.", // told apart by outcomeOf
  canceled: "Cancelled: the import was stopped.",
};

// Every step the contract names, in words (tests/console/format.test.js checks each has some).
const STEPS = {
  [states.NEW]: "New operation",
  [states.UPLOADING]: "Receiving the file",
  [states.DOWNLOADING_FILE]: "Downloading the file",
  [states.FILE_LOADED]: "File received",
  [states.PREPARING_STARTED]: "Reading the file",
  [states.PREPARING_USERS]: "Reading the users",
  [states.PREPARING_CHANNELS]: "Reading the channels",
  [states.PREPARING_MESSAGES]: "Reading the messages",
  [states.PREPARING_CONTACTS]: "Reading the contacts",
  [states.USER_SELECTION]: "Waiting for the selection",
  [states.IMPORTING_STARTED]: "Starting the import",
  [states.IMPORTING_USERS]: "Importing the users",
  [states.IMPORTING_CHANNELS]: "Importing the channels",
  [states.IMPORTING_MESSAGES]: "Importing the messages",
  [states.IMPORTING_CONTACTS]: "Importing the contacts",
  [states.IMPORTING_FILES]: "Importing the files",
  [states.FINISHING]: "Finishing",
  [states.DONE]: "Done",
  [states.FAILED]: "Failed",
  [states.CANCELLED]: "Cancelled",
};

/** A step (an operation's `status`), in words; an unknown one as it is. */
export const step = (status) =>
  Object.hasOwn(STEPS, status) ? STEPS[status] : String(status || "–");

/** The state import.status would report for an operation document (states.state_of). */
export function stateOf(operation) {
  const status = operation.status;
  if (operation.valid !== true && status !== states.DONE) return "error";
  // An unknown step (a newer Rocket.Chat's) is an error, as the server reports it.
  return Object.hasOwn(states.STATE_OF_STATUS, status) ? states.STATE_OF_STATUS[status] : "error";
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

/**
 * What became of an operation, in words true of it alone: import.status's `error` is told
 * apart into failed (and why), cleared and an unknown step.
 */
export function outcomeOf(operation) {
  const status = operation?.status;
  if (status === states.FAILED)
    return operation.errorMessage
      ? "Failed: the server could not read the file."
      : "Failed: the import stopped on an error.";
  const state = stateOf(operation || {});
  if (state !== "error") return STATES[state];
  if (operation?.valid !== true) return "Cleared: the operation was cleared or replaced.";
  return `Stopped at a step this console does not know (${String(status)}).`;
}

/** The state line of import.status's answer: its operation's outcome, or "No import operation yet." */
export const stateLine = (status) =>
  status.state === "none" || !status.operation ? STATES.none : outcomeOf(status.operation);
