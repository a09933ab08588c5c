// Files of users in the formats of bulk-import-users, read in the browser for the API
// importer: a CSV with a header row, Rocket.Chat's header-less users.csv
// (username,email,name), a JSON array, or JSON Lines; the records it yields are those of
// app/client/sources.py (tests/console/users-file.test.js holds it to that). checks.js
// then checks them.

import { columns, rules } from "./contract.js";
import { kindOf, notUtf8, spreadsheet } from "./encoding.js";

/** A file that cannot be read to its end; nothing of it is sent. */
export class FileError extends Error {}

// Where a zip of CSV files goes (the name importers.js gives the csv importer).
const ZIP_TO_IMPORTER =
  "the file is a zip: a zip holding users.csv goes to the importer 'CSV zip (users.csv, channels.csv)'";

const canonical = (cell) => cell.replace(/[\s_-]/g, "").toLowerCase();
// The user field a header cell names, or undefined (own keys only: "constructor" is no field).
const fieldOf = (cell) =>
  Object.hasOwn(columns.COLUMNS, canonical(cell)) ? columns.COLUMNS[canonical(cell)] : undefined;

/** Decode a file's bytes as UTF-8 (with or without a BOM), or throw a FileError saying why not. */
export function decode(bytes) {
  const kind = kindOf(bytes);
  if (kind) throw new FileError(kind === "zip" ? ZIP_TO_IMPORTER : spreadsheet(kind));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FileError(notUtf8(bytes));
  }
}

/** Yield [line, cells] for each non-blank CSV row (RFC 4180 quoting, comma delimiter). */
function* csvRows(text) {
  let line = 1;
  let start = 1;
  let cells = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const n = text.length;
  const finish = function* () {
    cells.push(cell);
    if (cells.some((c) => c.trim())) yield [start, cells];
    cells = [];
    cell = "";
  };
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n") line += 1;
        cell += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && cell === "") {
      quoted = true;
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      yield* finish();
      line += 1;
      start = line;
    } else {
      cell += ch;
    }
    i += 1;
  }
  if (quoted) throw new FileError(`line ${start}: a quoted value is never closed`);
  if (cell !== "" || cells.length) yield* finish();
}

function headerOf(cells) {
  const fields = [];
  cells.forEach((cell, index) => {
    const field = fieldOf(cell);
    if (!field) {
      throw new FileError(`line 1: column ${index + 1} "${cell.trim()}" is not a user field`);
    }
    if (fields.includes(field) && !columns.LIST_FIELDS.includes(field)) {
      throw new FileError(`line 1: column "${cell.trim()}" appears twice`);
    }
    fields.push(field);
  });
  return fields;
}

function headerUser(line, header, cells) {
  const problem =
    cells.length > header.length ? `${cells.length} values for ${header.length} columns` : null;
  const user = {};
  for (const name of header) if (rules.REQUIRED_LISTS.includes(name)) user[name] = [];
  header.forEach((field, index) => {
    const raw = cells[index] ?? "";
    const value = field === "password" ? raw : raw.trim();
    if (columns.LIST_FIELDS.includes(field)) {
      const pieces = value
        .split(";")
        .map((p) => p.trim())
        .filter(Boolean);
      if (pieces.length) user[field] = [...(user[field] || []), ...pieces];
    } else if (value) {
      user[field] = value;
    }
  });
  return { where: `line ${line}`, line, user, problem };
}

function rocketChatUser(line, cells) {
  // Rocket.Chat's CSV importer: the username is also the user's import id.
  const expected = columns.ROCKETCHAT_COLUMNS;
  if (cells.length < expected.length) {
    return {
      where: `line ${line}`,
      line,
      user: null,
      problem: `${cells.length} values where ${expected.join(",")} are expected`,
    };
  }
  const [username, email, name] = cells.slice(0, 3).map((c) => c.trim());
  const user = { type: "user", importIds: [username], emails: [email], username, name };
  return { where: `line ${line}`, line, user, problem: null };
}

function csvRecords(text) {
  const rows = csvRows(text);
  const first = rows.next();
  if (first.done) return [];
  const [line, cells] = first.value;
  const records = [];
  if (!cells.some((cell) => fieldOf(cell) !== undefined)) {
    records.push(rocketChatUser(line, cells));
    for (const [l, c] of rows) records.push(rocketChatUser(l, c));
    return records;
  }
  const header = headerOf(cells);
  for (const [l, c] of rows) records.push(headerUser(l, header, c));
  return records;
}

function jsonArrayRecords(text) {
  let items;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new FileError(`The file is not a JSON array (${error.message}).`);
  }
  if (!Array.isArray(items)) throw new FileError("The file is not a JSON array.");
  return items.map((item, index) => ({
    where: `record ${index + 1}`,
    line: null,
    user: item,
    problem: null,
  }));
}

function jsonLinesRecords(text) {
  const records = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!raw.trim()) return;
    const line = index + 1;
    try {
      records.push({ where: `line ${line}`, line, user: JSON.parse(raw), problem: null });
    } catch {
      records.push({ where: `line ${line}`, line, user: null, problem: "not JSON" });
    }
  });
  return records;
}

/** Guess a file's format from its name and its first characters. */
function formatOf(name, text) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".json")) return text.trimStart().startsWith("[") ? "json" : "jsonl";
  return "csv";
}

/** Read every record of a file's text; throw a FileError when it cannot be read to its end. */
export function readRecords(name, text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format = formatOf(name, text);
  const records =
    { json: jsonArrayRecords, jsonl: jsonLinesRecords }[format]?.(text) ?? csvRecords(text);
  return records;
}
