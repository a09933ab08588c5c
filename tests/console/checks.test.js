// The browser refuses a user only as bulk-import-users --dry-run (and the server) would, in
// the same words; the rules it cannot check (roles, types of other fields) are the server's.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkRecord } from "../../app/console/static/checks.js";
import { decode, readRecords } from "../../app/console/static/users-file.js";
import { bytesOf, GOLDEN, withoutDetail } from "./golden.js";

const checked = (name) => readRecords(name, decode(bytesOf(name))).map(checkRecord);

for (const [name, golden] of Object.entries(GOLDEN)) {
  describe(name, () => {
    test("every user refused here is refused by the importer, in its words", () => {
      const refused = checked(name).filter((r) => r.problem);
      assert.ok(refused.length > 0);
      for (const record of refused) {
        const expected = withoutDetail(golden.checked[record.line]);
        assert.equal(withoutDetail(record.problem), expected, `line ${record.line}`);
      }
    });

    if (name.endsWith(".csv")) {
      // A CSV holds strings only: every rule the importer applies to it is checked here too.
      test("a CSV's users are refused on exactly the importer's lines", () => {
        const lines = checked(name)
          .filter((r) => r.problem)
          .map((r) => String(r.line));
        assert.deepEqual(lines, Object.keys(golden.checked));
      });
    }

    if (golden.checked_users) {
      test("a user both take is sent with the values the importer loads (numbers, booleans)", () => {
        const both = checked(name).filter((r) => !r.problem && golden.checked_users[r.line]);
        assert.ok(both.length > 0);
        for (const { line, user } of both) {
          // Fields the importer's loader drops (unknown ones) the server drops too.
          const loaded = golden.checked_users[line];
          const sent = Object.fromEntries(Object.keys(loaded).map((key) => [key, user[key]]));
          assert.deepEqual(sent, loaded, `line ${line}`);
        }
      });
    }
  });
}

test("a string past the server's limit is refused before sending", () => {
  const user = { emails: ["a@x.org"], importIds: ["1"], bio: "x".repeat(2049) };
  const record = checkRecord({ line: 2, user, problem: null });
  assert.equal(record.problem, "bio: must NOT have more than 2048 characters");
});
