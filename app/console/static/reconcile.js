// One reconciliation of a file's users, as the command line gives it (app/contract/
// reconciliation.py, whose parts and words contract.js carries): read = refused before the
// import + not selected + created + updated + failed in the run + not processed.

import { reconciliation, states } from "./contract.js";
import { count, plural } from "./format.js";

const number = (value) => (typeof value === "number" && value > 0 ? Math.trunc(value) : 0);

/**
 * The users of an operation: {users, created, updated, failed}. This service's userCounts
 * win; an operation Rocket.Chat ran has only `count`, which holds channels and messages too.
 */
export function runCounts(operation) {
  const mine = operation?.[states.USER_COUNTS];
  if (mine && typeof mine === "object") {
    const [created, updated, failed] = ["created", "updated", "failed"].map((k) => number(mine[k]));
    const users = Math.max(number(mine.selected), created + updated + failed);
    return { users, created, updated, failed };
  }
  const c = operation?.count || {};
  const sizes = ["users", "total"].filter((key) => Object.hasOwn(c, key)).map((k) => number(c[k]));
  const users = sizes.length ? Math.min(...sizes) : 0;
  let completed = number(c.completed);
  let failed = number(c.error);
  // Rocket.Chat counts channels and messages there too, after the users.
  if (completed + failed > users) {
    failed = Math.min(failed, users);
    completed = Math.min(completed, users - failed);
  }
  return { users, created: completed, updated: 0, failed };
}

/** Tell whether the operation may have updated users: a file importer's run here. */
export const reportsUpdates = (operation) => {
  const mine = operation?.[states.USER_COUNTS];
  const fileImporter = (operation?.importerKey || "api") !== "api";
  return fileImporter && Boolean(mine) && typeof mine === "object";
};

/** {read, parts, shown}: the parts of the users read, and those a summary names. */
export function reconcile(operation, { refused = 0, unselected = 0, sent = null } = {}) {
  const run = runCounts(operation);
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
  const reported = reportsUpdates(operation);
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

/**
 * What the run did to rooms, as the command line says it (rooms_sentence), or null when it
 * touched none: "Rooms: 2 created, 0 existing joined; 10 memberships written (…)".
 */
export function roomsSentence(operation) {
  const rooms = operation?.[states.ROOM_COUNTS];
  if (!rooms || typeof rooms !== "object") return null;
  const [created, existing, joined] = ["created", "existing", "joined"].map((k) =>
    number(rooms[k]),
  );
  if (!(created || existing || joined)) return null;
  let text = `Rooms: ${count(created)} created, ${count(existing)} existing joined; `;
  text += `${plural(joined, "membership")} written`;
  const users = runCounts(operation).created;
  if (users) text += ` (${(joined / users).toFixed(1)} per user created)`;
  const unknown = number(rooms.unknownMemberCount);
  if (unknown) {
    const named = Array.isArray(rooms.unknownMembers) ? rooms.unknownMembers : [];
    const more = unknown <= named.length ? "" : ", …";
    const [noun, verb] = unknown === 1 ? ["member", "is"] : ["members", "are"];
    text += `; ${count(unknown)} ${noun} named in the file ${verb} no user: ${named.join(", ")}${more}`;
  }
  return `${text}.`;
}
