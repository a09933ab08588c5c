// The browser's reader says where a file stops being UTF-8, as the command-line reader does,
// and where a zip or a spreadsheet goes instead.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { firstBadByte, kindOf } from "../../app/console/static/encoding.js";
import { decode, FileError } from "../../app/console/static/users-file.js";
import { NOT_UTF8, recipeBytes } from "./golden.js";

describe("a byte that is not UTF-8: the line, column and advice of the Python reader", () => {
  for (const recipe of NOT_UTF8.cases) {
    test(recipe.name, () => {
      assert.throws(() => decode(recipeBytes(recipe)), {
        name: "Error",
        message: recipe.message,
      });
    });
  }
});

test("a byte-order mark is no column, and \\r\\n, \\r and \\n each end a line", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a, 0x62, 0x0d, 0x63, 0x0a, 0x64]);
  const bad = new Uint8Array([...bytes, 0xff]);
  assert.throws(() => decode(bad), { message: /^line 4: byte 0xff at column 2 is not UTF-8/ });
});

test("what Python refuses is refused: overlong, surrogate, beyond U+10FFFF, cut short", () => {
  for (const bytes of [
    [0xc0, 0x80],
    [0xe0, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
  ]) {
    assert.equal(firstBadByte(new Uint8Array([0x61, ...bytes])), 1, bytes.join(","));
  }
  assert.equal(firstBadByte(new TextEncoder().encode("é€😀")), -1);
});

describe("a zip or a spreadsheet where a users file was expected", () => {
  const head = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  test("a zip goes to the CSV zip importer", () => {
    assert.throws(() => decode(head("PK\u0003\u0004....users.csv")), {
      message: /^the file is a zip: a zip holding users.csv goes to the importer 'CSV zip/,
    });
  });
  test("an .xlsx, an .xls and an .ods are told to export CSV UTF-8", () => {
    assert.equal(kindOf(head("PK\u0003\u0004..[Content_Types].xml")), "xlsx");
    assert.equal(kindOf(head("\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1....")), "xls");
    assert.equal(
      kindOf(head("PK\u0003\u0004..mimetypeapplication/vnd.oasis.opendocument.spreadsheet")),
      "ods",
    );
    assert.throws(() => decode(head("PK\u0003\u0004..xl/workbook.xml")), FileError);
    assert.throws(() => decode(head("PK\u0003\u0004..xl/workbook.xml")), {
      message:
        "the file is an Excel workbook (.xlsx), not CSV text: export it as CSV UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')",
    });
  });
});
