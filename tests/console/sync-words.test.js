// The sync plan in the console: the same words as the command line (tests/contract/
// test_sync.py holds the Python side of these very lines), a row per action, and an
// entry's changes as old → new or its reason.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  countRows,
  entryCells,
  planSummary,
  runReport,
} from "../../app/console/static/sync-words.js";

test("the plan's line is the command line's, word for word", () => {
  const counts = { create: 1, update: 1, deactivate: 1, reactivate: 0, unchanged: 1, refused: 2 };
  assert.equal(
    planSummary(counts),
    "Plan (nothing changed yet): created 1, updated 1, deactivated 1, unchanged 1 (reactivated 0, refused 2)",
  );
});

test("the run's report is the command line's, word for word", () => {
  const done = { created: 1, updated: 2, deactivated: 3, reactivated: 0, unchanged: 4, failed: 1 };
  assert.equal(
    runReport(done),
    "created 1, updated 2, deactivated 3, reactivated 0, unchanged 4, failed 1",
  );
});

test("every action has a row, in the contract's order, even at 0", () => {
  assert.deepEqual(countRows({ create: 2000, refused: 1 }), [
    ["Create", "2,000"],
    ["Update", "0"],
    ["Deactivate", "0"],
    ["Reactivate", "0"],
    ["Unchanged", "0"],
    ["Refused", "1"],
  ]);
});

test("an update shows each field old → new", () => {
  const entry = {
    action: "update",
    username: "ana",
    changes: { name: { old: "Ana", new: "Ana Lima" }, roles: { old: ["user"], new: ["admin"] } },
  };
  assert.deepEqual(entryCells(entry), [
    "Update",
    "ana",
    'name: Ana → Ana Lima; roles: ["user"] → ["admin"]',
  ]);
});

test("a refused entry shows its reason; a missing user says so", () => {
  const refused = { action: "refused", importIds: ["hr-9"], reason: "matches two users: a, b" };
  assert.deepEqual(entryCells(refused), ["Refused", "hr-9", "matches two users: a, b"]);
  const missing = { action: "deactivate", username: "cy", missing: true, changes: {} };
  assert.deepEqual(entryCells(missing), ["Deactivate", "cy", "not in the list"]);
});
