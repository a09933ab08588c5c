// Words and numbers of the console: every step the contract knows is worded, and an
// operation's state is the one import.status reports (app/contract/states.py's state_of).

import assert from "node:assert/strict";
import { test } from "node:test";
import { states } from "../../app/console/static/contract.js";
import {
  count,
  duration,
  outcomeOf,
  plural,
  stateOf,
  step,
} from "../../app/console/static/format.js";
import { csvCell } from "../../app/console/static/report.js";

test("every step of the contract is shown in words", () => {
  for (const status of Object.keys(states.STATE_OF_STATUS)) {
    assert.doesNotMatch(step(status), /importer_/, status);
  }
});

test("an unknown step is shown as it is", () => {
  assert.equal(step("importer_sorting_hats"), "importer_sorting_hats");
  assert.equal(step("constructor"), "constructor");
  assert.equal(step(undefined), "–");
});

test("a valid operation is in the state its step maps to", () => {
  assert.equal(stateOf({ valid: true, status: states.NEW }), "new");
  assert.equal(stateOf({ valid: true, status: states.PREPARING_CONTACTS }), "loading");
  assert.equal(stateOf({ valid: true, status: states.USER_SELECTION }), "ready");
  assert.equal(stateOf({ valid: true, status: states.FINISHING }), "importing");
  assert.equal(stateOf({ valid: true, status: states.CANCELLED }), "canceled");
});

test("an invalidated operation is an error, unless it was done", () => {
  assert.equal(stateOf({ valid: false, status: states.IMPORTING_USERS }), "error");
  assert.equal(stateOf({ status: states.USER_SELECTION }), "error");
  assert.equal(stateOf({ valid: false, status: states.DONE }), "done");
});

test("an unknown step is an error, as the server reports it", () => {
  assert.equal(stateOf({ valid: true, status: "importer_sorting_hats" }), "error");
  assert.equal(stateOf({ valid: true, status: "toString" }), "error");
});

test("counts have thousands separators and nouns their plural", () => {
  assert.equal(count(1234567), "1,234,567");
  assert.equal(plural(1, "user"), "1 user");
  assert.equal(plural(2000, "user"), "2,000 users");
  assert.equal(plural(undefined, "channel"), "0 channels");
});

test("durations read as people say them", () => {
  assert.equal(duration(12.4), "12 s");
  assert.equal(duration(65), "1 min 5 s");
  assert.equal(duration(3 * 3600 + 120), "3 h 2 min");
  assert.equal(duration(-1), "–");
});

test("a CSV cell is quoted when it must be, and never starts a formula", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi", then go'), '"say ""hi"", then go"');
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell(null), "");
});

test("an operation's outcome says which of failed, cleared or unknown it is", () => {
  const failedFile = { valid: true, status: states.FAILED, errorMessage: "users.csv line 2: …" };
  assert.equal(outcomeOf(failedFile), "Failed: the server could not read the file.");
  assert.equal(
    outcomeOf({ valid: true, status: states.FAILED }),
    "Failed: the import stopped on an error.",
  );
  assert.equal(
    outcomeOf({ valid: false, status: states.USER_SELECTION }),
    "Cleared: the operation was cleared or replaced.",
  );
  assert.equal(outcomeOf({ valid: false, status: states.DONE }), "Done: the import is finished.");
  assert.match(
    outcomeOf({ valid: true, status: "importer_sorting_hats" }),
    /importer_sorting_hats/,
  );
});
