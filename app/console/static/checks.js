// The rules of import.addUsers that the browser can check before sending a user, worded as
// the server and bulk-import-users --dry-run word them (app/client/checks.py); the server
// checks the rest, and stage.js isolates the users it refuses.

import { rules } from "./contract.js";

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function coerceNumber(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

function coerceBoolean(value) {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** The problem the validator finds first in a user object, or null (with `fixed` coerced). */
function schemaProblem(fixed) {
  for (const name of rules.REQUIRED_LISTS) {
    if (!Object.hasOwn(fixed, name)) return `must have required property '${name}'`;
    if (!Array.isArray(fixed[name])) return `${name}: must be array`;
  }
  if (fixed.utcOffset !== undefined && fixed.utcOffset !== null) {
    fixed.utcOffset = coerceNumber(fixed.utcOffset);
    if (fixed.utcOffset === undefined) return "utcOffset: must be number";
  }
  if (fixed.deleted !== undefined && fixed.deleted !== null) {
    fixed.deleted = coerceBoolean(fixed.deleted);
    if (fixed.deleted === undefined) return "deleted: must be boolean";
  }
  for (const [key, value] of Object.entries(fixed)) {
    if (typeof value === "string" && value.length > rules.MAX_STRING) {
      return `${key}: must NOT have more than ${rules.MAX_STRING} characters`;
    }
  }
  return null;
}

/** Check one record offline: the record with its user coerced, or with the problem found. */
export function checkRecord(record) {
  if (record.problem) return record;
  if (!isObject(record.user)) return { ...record, problem: "must be object" };
  const fixed = { ...record.user };
  const problem = schemaProblem(fixed);
  if (problem) return { ...record, problem };
  // Rocket.Chat's rule (rules.missing_required_data): a non-empty string in each list.
  const missing = rules.REQUIRED_LISTS.filter(
    (name) => !fixed[name].some((value) => typeof value === "string" && value),
  );
  if (missing.length) {
    const detail = missing.map((name) => `no ${name}`).join(" and ");
    return { ...record, problem: `${rules.MISSING_DATA} (${detail})` };
  }
  return { ...record, user: fixed };
}
