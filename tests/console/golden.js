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
