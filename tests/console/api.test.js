// The console's API client reads a refusal as a person needs it: the reason, the code apart.

import assert from "node:assert/strict";
import { test } from "node:test";
import { messageOf } from "../../app/console/static/api.js";

test("a Meteor error's code is dropped from its message", () => {
  const body = {
    success: false,
    error:
      "this importer reads a .zip file holding users.csv; the file is not a zip [error-invalid-file]",
    errorType: "error-invalid-file",
  };
  assert.equal(
    messageOf(400, body, "Bad Request"),
    "this importer reads a .zip file holding users.csv; the file is not a zip",
  );
});

test("the validator's [invalid-params] goes too; other brackets stay", () => {
  const invalid = { error: "must be number [invalid-params]", errorType: "invalid-params" };
  assert.equal(messageOf(400, invalid), "must be number");
  assert.equal(messageOf(400, { error: "a list [of things]" }), "a list [of things]");
});

test("an answer without a message says its status", () => {
  assert.equal(messageOf(502, null, "Bad Gateway"), "The server answered 502 Bad Gateway.");
});
