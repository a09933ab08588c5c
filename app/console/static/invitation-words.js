// What the invitations view says (pure: no page, so node --test checks every sentence):
// whether an operation's people may be invited, import.invite's answer, import.invitations'
// counts, and each person's state in words. The states and reasons are the contract's.

import { invitations, states } from "./contract.js";
import { count, plural } from "./format.js";
import { runCounts } from "./reconcile.js";

const { SKIP_REASONS } = invitations;
// The steps the server invites after (services/invitations.ENDED); a cleared operation
// reports `error` at whatever step it was stopped, which it refuses.
const ENDED = [states.DONE, states.CANCELLED, states.FAILED];
const NOT_YET = {
  new: "the operation has no users yet",
  loading: "its file is still being read",
  ready: "its users are not imported yet",
  importing: "the import is still running",
};

/**
 * {allowed, reason}: may the people of import.status's operation be invited now? The
 * reason says why not, in words a person acts on.
 */
export function invitable(status) {
  const operation = status?.operation;
  if (!operation || status.state === "none")
    return { allowed: false, reason: "There is no import operation." };
  if (Object.hasOwn(NOT_YET, status.state))
    return {
      allowed: false,
      reason: `Invitations can be sent once the import has finished: ${NOT_YET[status.state]}.`,
    };
  if (!ENDED.includes(operation.status))
    return {
      allowed: false,
      reason: "This operation was cleared or replaced before it finished: it invites nobody.",
    };
  const run = runCounts(operation);
  if (run.created + run.updated === 0)
    return { allowed: false, reason: "This import created nobody: there is nobody to invite." };
  return { allowed: true, reason: "" };
}

/** A skip reason in words; one the contract does not know, as it is. */
export const skipWords = (reason) =>
  Object.hasOwn(SKIP_REASONS, reason) ? SKIP_REASONS[reason] : String(reason || "skipped");

/**
 * import.invite's answer in words: "3 invitations queued: they are sent in the background.
 * 1 person skipped: 1 because the user has no e-mail address."
 */
export function inviteSentence(answer) {
  const queued = Number(answer?.queued) || 0;
  const parts = [
    queued
      ? `${plural(queued, "invitation")} queued: they are sent in the background.`
      : "No invitation queued.",
  ];
  const skipped = Object.entries(answer?.skipped || {}).filter(([, n]) => n > 0);
  const total = skipped.reduce((sum, [, n]) => sum + n, 0);
  if (total) {
    const why = skipped.map(([reason, n]) => `${count(n)} because ${skipWords(reason)}`);
    const people = total === 1 ? "1 person" : `${count(total)} people`;
    parts.push(`${people} skipped: ${why.join("; ")}.`);
  }
  return parts.join(" ");
}

/** import.invitations' counts in words: "2 sent, 1 failed, 0 waiting, 1 skipped (of 4)". */
export function countsSentence(listing) {
  const c = listing?.counts || {};
  const total = ["queued", "sent", "failed", "skipped"].reduce((s, k) => s + (c[k] || 0), 0);
  if (!total) return "Nobody has been invited from this operation yet.";
  const line = `${count(c.sent)} sent, ${count(c.failed)} failed, ${count(c.queued)} waiting to be sent, ${count(c.skipped)} skipped (of ${total === 1 ? "1 person" : `${count(total)} people`})`;
  return listing.status === invitations.JOB_SENDING ? `Sending: ${line}.` : `${line}.`;
}

/** Tell whether the listing has mail still to send, so that the view keeps polling. */
export const stillSending = (listing) =>
  listing?.status === invitations.JOB_SENDING || (listing?.counts?.queued || 0) > 0;

/** One person's state in words: queued after a temporary failure says when it retries. */
export function stateWords(person) {
  if (person.state === invitations.QUEUED)
    return person.attempts > 0
      ? `waiting to be sent again (${plural(person.attempts, "temporary failure")})`
      : "waiting to be sent";
  return String(person.state || "–");
}

/** Why, for one person: the SMTP server's words for a failure, a skip reason in words. */
export function detailWords(person) {
  if (person.state === invitations.SKIPPED) return skipWords(person.reason);
  if (person.state === invitations.SENT) return "";
  return typeof person.reason === "string" ? person.reason : "";
}
