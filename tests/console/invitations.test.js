// What the invitations view says: when an operation's people may be invited (and why not),
// import.invite's answer and import.invitations' counts in words, each person's state.

import assert from "node:assert/strict";
import { test } from "node:test";
import { invitations, states } from "../../app/console/static/contract.js";
import {
  countsSentence,
  detailWords,
  invitable,
  inviteSentence,
  stateWords,
  stillSending,
} from "../../app/console/static/invitation-words.js";
import { updatesSentence } from "../../app/console/static/updates.js";

const operation = (status, userCounts = { selected: 3, created: 3, updated: 0, failed: 0 }) => ({
  _id: "op1",
  status,
  valid: true,
  importerKey: "api",
  userCounts,
});

test("a finished operation that created users may invite them", () => {
  for (const [state, status] of [
    ["done", states.DONE],
    ["canceled", states.CANCELLED],
    ["error", states.FAILED],
  ])
    assert.deepEqual(invitable({ state, operation: operation(status) }), {
      allowed: true,
      reason: "",
    });
});

test("a running import may not invite yet, and says why", () => {
  const answer = invitable({ state: "importing", operation: operation(states.IMPORTING_USERS) });
  assert.equal(answer.allowed, false);
  assert.equal(
    answer.reason,
    "Invitations can be sent once the import has finished: the import is still running.",
  );
  for (const state of ["new", "loading", "ready"])
    assert.match(invitable({ state, operation: operation(states.NEW) }).reason, /once the import/);
});

test("an operation cleared mid-run, or one that created nobody, invites nobody", () => {
  const cleared = { ...operation(states.IMPORTING_USERS), valid: false };
  assert.match(invitable({ state: "error", operation: cleared }).reason, /cleared or replaced/);
  const empty = operation(states.DONE, { selected: 2, created: 0, updated: 0, failed: 2 });
  assert.equal(
    invitable({ state: "done", operation: empty }).reason,
    "This import created nobody: there is nobody to invite.",
  );
  const updatedOnly = operation(states.DONE, { selected: 1, created: 0, updated: 1, failed: 0 });
  assert.equal(invitable({ state: "done", operation: updatedOnly }).allowed, true);
  assert.equal(invitable({ state: "none" }).allowed, false);
});

test("import.invite's answer in words, each skip reason the contract's", () => {
  assert.equal(
    inviteSentence({ queued: 3, skipped: {} }),
    "3 invitations queued: they are sent in the background.",
  );
  assert.equal(
    inviteSentence({ queued: 1, skipped: { "no-email": 1, "already-sent": 2 } }),
    "1 invitation queued: they are sent in the background. 3 people skipped: 1 because the user has no e-mail address; 2 because an invitation was sent already (resend: true sends another).",
  );
  assert.equal(
    inviteSentence({ queued: 0, skipped: { "logged-in": 1 } }),
    "No invitation queued. 1 person skipped: 1 because the user has logged in already.",
  );
  assert.match(inviteSentence({ queued: 0, skipped: { "new-reason": 1 } }), /because new-reason/);
});

test("the counts in words, and polling while mail is on its way", () => {
  const counts = { queued: 1, sent: 2, failed: 1, skipped: 0 };
  const sending = { status: invitations.JOB_SENDING, counts };
  assert.equal(
    countsSentence(sending),
    "Sending: 2 sent, 1 failed, 1 waiting to be sent, 0 skipped (of 4 people).",
  );
  assert.equal(stillSending(sending), true);
  const done = { status: invitations.JOB_DONE, counts: { ...counts, queued: 0, sent: 3 } };
  assert.equal(
    countsSentence(done),
    "3 sent, 1 failed, 0 waiting to be sent, 0 skipped (of 4 people).",
  );
  assert.equal(stillSending(done), false);
  assert.equal(
    countsSentence({ status: "none", counts: { queued: 0, sent: 0, failed: 0, skipped: 0 } }),
    "Nobody has been invited from this operation yet.",
  );
});

test("a person's state and why: the SMTP server's words for a failure", () => {
  const failed = { state: "failed", reason: "550 5.1.1 <ana@example.com>: Recipient rejected" };
  assert.equal(stateWords(failed), "failed");
  assert.equal(detailWords(failed), "550 5.1.1 <ana@example.com>: Recipient rejected");
  const retrying = { state: "queued", attempts: 2, reason: "421 4.7.0 Try again later" };
  assert.equal(stateWords(retrying), "waiting to be sent again (2 temporary failures)");
  assert.equal(detailWords(retrying), "421 4.7.0 Try again later");
  assert.equal(stateWords({ state: "queued", attempts: 0 }), "waiting to be sent");
  assert.equal(
    detailWords({ state: "skipped", reason: "no-email" }),
    "the user has no e-mail address",
  );
  assert.equal(detailWords({ state: "sent", reason: "stale" }), "");
});

test("the updated users' sentence", () => {
  assert.match(updatesSentence(1), /^1 existing user was updated by this import/);
  assert.match(updatesSentence(2), /^2 existing users were updated/);
});
