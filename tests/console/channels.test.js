// The selection names each channel of a file with its kind and the members it names.

import assert from "node:assert/strict";
import { test } from "node:test";
import { channelLine, roomsOf } from "../../app/console/static/channels.js";

test("a channel is named with its kind, its members and its creator", () => {
  const sales = { name: "sales", is_private: false, memberCount: 1200, creator: "ada" };
  assert.equal(channelLine(sales), "sales (public): 1,200 members, created by ada");
  assert.equal(
    channelLine({ name: "ops", is_private: true, memberCount: 1 }),
    "ops (private): 1 member",
  );
  assert.equal(channelLine({ name: "empty" }), "empty (public): 0 members");
});

test("direct messages are no room of the selection", () => {
  const channels = [{ name: "sales" }, { name: "__directMessages__", is_direct: true }];
  assert.deepEqual(roomsOf(channels), [{ name: "sales" }]);
  assert.deepEqual(roomsOf(undefined), []);
});
