// Staging for the API importer: import.new, then import.addUsers in chunks. A chunk the
// server refuses because of some of its users is halved until they are alone, so that the
// others are staged (roles, for one, only the server can check).

import { ApiError } from "./api.js";
import { rules } from "./contract.js";

// Rocket.Chat's refusals of a chunk because of some of its users (its validator's are
// invalid-params): the others can be staged without them.
const ABOUT_THE_USERS = new Set([rules.MISSING_DATA, rules.INVALID_ROLES]);

function aboutTheUsers(error) {
  return (
    error instanceof ApiError &&
    error.status === 400 &&
    (error.errorType === "invalid-params" || ABOUT_THE_USERS.has(error.message))
  );
}

async function send(api, chunk, failures) {
  try {
    await api.post("import.addUsers", { users: chunk.map((record) => record.user) });
    return chunk.length;
  } catch (error) {
    if (!aboutTheUsers(error)) throw error;
    if (chunk.length === 1) {
      failures.push({ ...chunk[0], problem: error.message }); // its code dropped (api.js)
      return 0;
    }
    const half = Math.floor(chunk.length / 2);
    return (
      (await send(api, chunk.slice(0, half), failures)) +
      (await send(api, chunk.slice(half), failures))
    );
  }
}

/**
 * Stage `records` in a new operation (import.new's body: `options`, a sync's); report
 * (done, total) after each chunk.
 * Resolve with {operation, sent, failures}: the records the server refused, with why.
 */
export async function stage(api, records, onProgress, options = {}) {
  const { operation } = await api.post("import.new", options);
  const failures = [];
  let sent = 0;
  onProgress(0, records.length);
  for (let start = 0; start < records.length; start += rules.ADD_USERS_CHUNK) {
    const chunk = records.slice(start, start + rules.ADD_USERS_CHUNK);
    sent += await send(api, chunk, failures);
    onProgress(Math.min(start + rules.ADD_USERS_CHUNK, records.length), records.length);
  }
  return { operation, sent, failures };
}
