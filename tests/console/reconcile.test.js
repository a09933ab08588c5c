// The console reconciles a file's users and writes its error report as the command line
// does: the parts, their words and numbers, and the report's text, byte for byte.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  reconcile,
  roomsSentence,
  runCounts,
  sentence,
} from "../../app/console/static/reconcile.js";
import { inFileOrder, reportCsv, reportJson, reportRow } from "../../app/console/static/report.js";

const GOLDEN = JSON.parse(
  readFileSync(new URL("../golden/reconciliation.json", import.meta.url), "utf8"),
);

describe("the reconciliation of the command line (app/contract/reconciliation.py)", () => {
  for (const c of GOLDEN.cases) {
    test(c.sentence, () => {
      const reconciled = reconcile(c.operation, c.known);
      assert.deepEqual(reconciled, { read: c.read, parts: c.parts, shown: c.shown });
      assert.equal(sentence(reconciled), c.sentence);
    });
  }
});

test("channels and messages never count as users", () => {
  const count = { total: 49, users: 10, channels: 4, messages: 35, completed: 39, error: 0 };
  assert.deepEqual(runCounts({ count }), { users: 10, created: 10, updated: 0, failed: 0 });
});

test("this service's userCounts win over count, and tell updated users apart", () => {
  const operation = {
    count: { total: 13, users: 10, channels: 1, messages: 2, completed: 9, error: 1 },
    userCounts: { selected: 10, created: 6, updated: 3, failed: 1 },
  };
  assert.deepEqual(runCounts(operation), { users: 10, created: 6, updated: 3, failed: 1 });
});

describe("the error report of the command line (app/client/report.py)", () => {
  const { rows, csv, json } = GOLDEN.report;
  test("CSV, byte for byte", () => assert.equal(reportCsv(rows), csv));
  test("JSON, byte for byte", () => assert.equal(reportJson(rows), json));
  test("rows made in the browser are the command line's, in file order", () => {
    const made = [
      reportRow(9, { username: "bob", emails: ["c@x.org"], importIds: ["2"] }, "refused", "taken"),
      reportRow(
        3,
        { username: "=ann", emails: ["a@x.org", "b@x.org"], importIds: ["1"], password: "pw" },
        "refused",
        'utcOffset: must be "number", here',
      ),
      reportRow(null, { username: "zoë", emails: ["z@x.org"] }, "failed", "failed\nat once"),
      reportRow(5, null, "refused", "3 values for 2 columns"),
    ];
    assert.deepEqual(inFileOrder(made), rows);
  });
});

describe("what a run did to rooms, in the command line's words (rooms_sentence)", () => {
  for (const c of GOLDEN.rooms) {
    test(c.sentence ?? "no room touched", () => {
      assert.equal(roomsSentence(c.operation), c.sentence);
    });
  }
});
