// A sync's words in the console, pure (no page): the plan's line and the run's report word
// for word the command line's (app/contract/sync.py), a row per action, an entry's cells.

import { sync } from "./contract.js";
import { count } from "./format.js";

const WORDS = {
  create: "Create",
  update: "Update",
  deactivate: "Deactivate",
  reactivate: "Reactivate",
  unchanged: "Unchanged",
  refused: "Refused",
};

/** The plan's one line, word for word the command line's (app/contract/sync.py). */
export function planSummary(counts) {
  const main = [sync.CREATE, sync.UPDATE, sync.DEACTIVATE, sync.UNCHANGED]
    .map((action) => `${sync.DONE_WORDS[action]} ${counts[action] || 0}`)
    .join(", ");
  const rest = `reactivated ${counts[sync.REACTIVATE] || 0}, refused ${counts[sync.REFUSED] || 0}`;
  return `Plan (nothing changed yet): ${main} (${rest})`;
}

/** The run's one line, word for word the command line's report. */
export function runReport(done) {
  const words = Object.values(sync.DONE_WORDS).map((word) => `${word} ${done[word] || 0}`);
  return [...words, `failed ${done.failed || 0}`].join(", ");
}

/** One table row per action: its word and how many entries the plan holds. */
export function countRows(counts) {
  return sync.ACTIONS.map((action) => [WORDS[action], count(counts[action] || 0)]);
}

const shown = (value) =>
  value === null || value === undefined
    ? "–"
    : typeof value === "string"
      ? value
      : JSON.stringify(value);

/** The cells of one entry: action, who, and what changes (old → new) or why it is refused. */
export function entryCells(entry) {
  const who = entry.username || (entry.importIds || []).join(", ") || entry.userId || "";
  const what =
    entry.action === sync.REFUSED
      ? entry.reason || ""
      : Object.entries(entry.changes || {})
          .map(([field, change]) => `${field}: ${shown(change.old)} → ${shown(change.new)}`)
          .join("; ");
  return [
    WORDS[entry.action] || entry.action,
    who,
    what || (entry.missing ? "not in the list" : ""),
  ];
}
