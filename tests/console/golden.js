// What the importer's Python reader and checks make of the files in tests/data, as
// tools/console_contract.py wrote it (tests/golden/users-files.json): the console's
// JavaScript must make the same of them.

import { readFileSync } from "node:fs";

const TESTS = new URL("../", import.meta.url);

/** The golden of each data file, by file name. */
export const GOLDEN = JSON.parse(readFileSync(new URL("golden/users-files.json", TESTS), "utf8"));

/** A data file's bytes, as the browser's FileReader gives them. */
export const bytesOf = (name) => new Uint8Array(readFileSync(new URL(`data/${name}`, TESTS)));

/** A problem without the parser's detail: JSON.parse and Python's json word it apart. */
export const withoutDetail = (problem) =>
  problem?.startsWith("not JSON (") ? "not JSON" : (problem ?? null);

/** The files with a byte that is not UTF-8, as recipes, and what the Python reader said. */
export const NOT_UTF8 = JSON.parse(readFileSync(new URL("golden/not-utf8.json", TESTS), "utf8"));

/** The bytes of one of those recipes (tools/console_contract.py's recipe_bytes). */
export function recipeBytes({ line, at, insert }) {
  const { header, row, rows } = NOT_UTF8.recipe;
  const lines = [header];
  for (let n = 2; n <= rows; n += 1) lines.push(row.replaceAll("{n}", String(n).padStart(5, "0")));
  const encoder = new TextEncoder();
  const inserted = Uint8Array.from(insert.match(/../g), (hex) => Number.parseInt(hex, 16));
  const text = lines[line - 1];
  const pieces = lines.map((l) => encoder.encode(`${l}\n`));
  pieces[line - 1] = new Uint8Array([
    ...encoder.encode(text.slice(0, at)),
    ...inserted,
    ...encoder.encode(`${text.slice(at)}\n`),
  ]);
  const bytes = new Uint8Array(pieces.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.length;
  }
  return bytes;
}
