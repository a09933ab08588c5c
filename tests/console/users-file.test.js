// The browser's reader of users files reads the records bulk-import-users reads.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { decode, FileError, readRecords } from "../../app/console/static/users-file.js";
import { bytesOf, GOLDEN, withoutDetail } from "./golden.js";

const read = (name) => readRecords(name, decode(bytesOf(name)));
const byLine = (records, pick) =>
  Object.fromEntries(records.filter(pick).map((r) => [String(r.line), withoutDetail(r.problem)]));

for (const [name, golden] of Object.entries(GOLDEN)) {
  describe(name, () => {
    test("each record starts on the line the importer says", () => {
      assert.deepEqual(
        read(name).map((r) => r.line),
        golden.lines,
      );
    });

    test("the lines that are not users are the importer's, in its words", () => {
      const expected = Object.fromEntries(
        Object.entries(golden.problems).map(([line, problem]) => [line, withoutDetail(problem)]),
      );
      assert.deepEqual(
        byLine(read(name), (r) => r.problem),
        expected,
      );
    });

    test("the users read are the importer's, field for field", () => {
      const users = read(name).map((r) => r.user);
      if (golden.users) assert.deepEqual(users, golden.users);
      const digest = createHash("sha256").update(JSON.stringify(users)).digest("hex");
      assert.equal(digest, golden.users_sha256);
    });
  });
}

describe("what stops reading", () => {
  test("a quoted value never closed, at the line it opens", () => {
    const text = 'username,email,importId\n"never closed,a@example.org,x\n';
    assert.throws(() => readRecords("u.csv", text), {
      name: "Error",
      message: "line 2: a quoted value is never closed",
    });
  });

  test("a column that is no user field", () => {
    assert.throws(() => readRecords("u.csv", "username,email,department\nann,a@x.org,R&D\n"), {
      message: 'line 1: column 3 "department" is not a user field',
    });
  });

  test("bytes that are not UTF-8", () => {
    assert.throws(() => decode(new Uint8Array([0x65, 0xe9, 0x40])), FileError);
  });
});

test("a header cell named like an Object property is no column", () => {
  // "constructor" is not a user field: the file is Rocket.Chat's header-less users.csv.
  const [record] = readRecords("u.csv", "constructor,c@x.org,Con\n");
  assert.equal(record.user.username, "constructor");
});

test("a password keeps its spaces; every other cell is trimmed", () => {
  const [record] = readRecords(
    "u.csv",
    "username,email,importId,password\n ann , a@x.org ,1, s3 \n",
  );
  assert.deepEqual(record.user, {
    emails: ["a@x.org"],
    importIds: ["1"],
    username: "ann",
    password: " s3 ",
  });
});
