// The error report, in the command line's format (app/contract/reconciliation.py): one row
// per user not imported, {line, username, emails, importIds, part, reason}, as CSV (lists
// joined with `;`, formulas defused) or as a JSON array, in file order.

import { reconciliation } from "./contract.js";

const { REPORT_COLUMNS, LIST_SEPARATOR, FORMULA_STARTS, PARTS } = reconciliation;

const text = (value) => (value === null || value === undefined ? "" : String(value));
const list = (value) =>
  value === null || value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(text);

/** A report row of a user (as read or as staged), its line, its part's key and why. */
export function reportRow(line, user, part, reason) {
  const u = user && typeof user === "object" && !Array.isArray(user) ? user : {};
  return {
    line: Number.isInteger(line) ? line : null,
    username: text(u.username),
    emails: list(u.emails),
    importIds: list(u.importIds),
    part: PARTS[part],
    reason,
  };
}

/** The rows in file order: by line, rows without one last (a stable sort). */
export const inFileOrder = (rows) =>
  [...rows].sort((a, b) => (a.line === null) - (b.line === null) || (a.line ?? 0) - (b.line ?? 0));

/** One CSV cell, quoted when it must be, and defused against spreadsheet formulas. */
export function csvCell(value) {
  let cell = text(value);
  if (cell && FORMULA_STARTS.includes(cell[0])) cell = `'${cell}`;
  return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The rows as the command line's CSV report. */
export function reportCsv(rows) {
  const cells = (row) =>
    REPORT_COLUMNS.map((c) => (Array.isArray(row[c]) ? row[c].join(LIST_SEPARATOR) : row[c]));
  const lines = [REPORT_COLUMNS.join(","), ...rows.map((r) => cells(r).map(csvCell).join(","))];
  return `${lines.join("\n")}\n`;
}

/** The rows as the command line's JSON report. */
export const reportJson = (rows) => `${JSON.stringify(rows, null, 2)}\n`;
