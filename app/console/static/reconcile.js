// One reconciliation of a file's users, as the command line gives it (app/contract/
// reconciliation.py, whose parts and words contract.js carries): read = refused before the
// import + not selected + created + updated + failed in the run + not processed.

import { reconciliation } from "./contract.js";
import { count, plural } from "./format.js";

const number = (value) => (typeof value === "number" && value > 0 ? Math.trunc(value) : 0);

/** The users of an operation's count: {users, created, updated, failed}; channels and messages left out. */
export function runCounts(operationCount) {
  const c = operationCount || {};
  const sizes = ["users", "total"].filter((key) => Object.hasOwn(c, key)).map((k) => number(c[k]));
  const users = sizes.length ? Math.min(...sizes) : 0;
  let completed = number(c.completed);
  let failed = number(c.error);
  // Rocket.Chat counts channels and messages there too, after the users.
  if (completed + failed > users) {
    failed = Math.min(failed, users);
    completed = Math.min(completed, users - failed);
  }
  const updated = Math.min(number(c.updated), completed);
  return { users, created: completed - updated, updated, failed };
}

/** {read, parts, shown}: the parts of the users read, and those a summary names. */
export function reconcile(operationCount, { refused = 0, unselected = 0, sent = null } = {}) {
  const run = runCounts(operationCount);
  const given = sent === null || sent === undefined ? run.users : sent;
  const processed = run.created + run.updated + run.failed;
  const parts = {
    refused,
    unselected,
    created: run.created,
    updated: run.updated,
    failed: run.failed,
    unprocessed: Math.max(given - processed, 0),
  };
  const reported = Object.hasOwn(operationCount || {}, "updated");
  const shown = Object.keys(reconciliation.PARTS).filter(
    (key) => parts[key] || reconciliation.ALWAYS.includes(key) || (key === "updated" && reported),
  );
  const read = Object.values(parts).reduce((sum, n) => sum + n, 0);
  return { read, parts, shown };
}

/** "2,000 users read: 4 refused before the import, 1,993 created, 3 failed in the run". */
export function sentence({ read, parts, shown }) {
  const named = shown.map((key) => `${count(parts[key])} ${reconciliation.PARTS[key]}`);
  return `${plural(read, "user")} read: ${named.join(", ")}`;
}
