// Watching an import: import.status polled, its counts, rate and time left, and the summary
// once it is finished.

import { states } from "./contract.js";
import { byId, setText, show } from "./dom.js";
import { count, duration, plural, STATES, step } from "./format.js";
import { announce, focusHeading, importBar } from "./page.js";
import { api, failures, history } from "./parts.js";
import { poll } from "./polling.js";
import * as session from "./session.js";
import { state } from "./state.js";

/** Empty the counters before a new import is staged. */
export function resetCounters() {
  for (const id of ["count-created", "count-failed", "count-total"]) setText(byId(id), "0");
  for (const id of ["count-rate", "count-eta", "count-step"]) setText(byId(id), "–");
  for (const id of ["summary", "cancel", "clear", "run-staged"]) show(byId(id), false);
  state.lastState = null;
}

/** Watch an operation until it is finished; `expected`: the users this tab asked for. */
export function watch(operationId, expected) {
  state.operationId = operationId;
  state.expected = expected;
  state.samples = [];
  state.lastState = null;
  failures.withServer = true;
  session.remember("operation", {
    id: operationId,
    expected,
    local: failures.local.slice(0, 2000),
  });
  show(byId("select"), false);
  show(byId("watch"));
  show(byId("summary"), false);
  focusHeading("watch-title");
  poll(async () => {
    const status = await api.get("import.status");
    renderStatus(status);
    if (states.FINISHED_STATES.includes(status.state)) {
      await finished(status);
      await history.load(); // the operation's last line
      return false;
    }
    return status.state !== "none";
  });
}

function rateOf(processed) {
  const now = performance.now() / 1000;
  state.samples.push([now, processed]);
  while (state.samples.length > 2 && now - state.samples[0][0] > 10) state.samples.shift();
  const [t0, p0] = state.samples[0];
  return now - t0 >= 0.5 ? (processed - p0) / (now - t0) : null;
}

/** Show an answer of import.status: state, counts, rate, time left and what can be done. */
export function renderStatus(status) {
  show(byId("watch"));
  const operation = status.operation || {};
  const c = operation.count || {};
  const created = c.completed || 0;
  const failed = c.error || 0;
  const mine = state.operationId && operation._id === state.operationId;
  const total = (mine && state.expected) || c.users || c.total || 0;
  const processed = created + failed;
  if (status.state !== state.lastState) {
    state.lastState = status.state;
    setText(byId("state"), STATES[status.state] || status.state);
  }
  const done = status.state === "done" ? Math.max(processed, total) : processed;
  importBar("Users processed", done, Math.max(total, done));
  setText(byId("count-created"), count(created));
  setText(byId("count-failed"), count(failed));
  setText(byId("count-total"), count(total));
  setText(byId("count-step"), step(operation.status));
  const rate = status.state === "importing" ? rateOf(processed) : null;
  setText(byId("count-rate"), rate === null ? "–" : rate.toFixed(rate < 10 ? 1 : 0));
  setText(byId("count-eta"), rate ? duration(Math.max(total - processed, 0) / rate) : "–");
  show(byId("cancel"), states.CANCELLABLE_STATES.includes(status.state));
  show(byId("clear"), status.state !== "none");
  show(
    byId("run-staged"),
    status.state === "ready" && operation.importerKey === "api" && !mine && state.kind !== "api",
  );
}

/** Sum up a finished operation: users created, not imported, and left staged. */
export async function finished(status) {
  const operation = status.operation || {};
  const c = operation.count || {};
  const ts = Date.parse(operation.ts);
  // Only for a run this tab started: a cleared operation's _updatedAt is when it was cleared.
  const mine = state.operationId && operation._id === state.operationId;
  const took = !mine || Number.isNaN(ts) ? null : (Date.parse(operation._updatedAt) - ts) / 1000;
  const refusedBefore = failures.local.length;
  const parts = [
    `${plural(c.completed, "user")} created`,
    `${count((c.error || 0) + refusedBefore)} not imported`,
  ];
  if (refusedBefore) parts.push(`of which ${count(refusedBefore)} were refused before the import`);
  const left =
    (mine && state.expected ? state.expected : c.total || 0) - (c.completed || 0) - (c.error || 0);
  if (status.state !== "done" && left > 0)
    parts.push(`${plural(left, "user")} not processed (still staged)`);
  const verb = { done: "Finished", canceled: "Cancelled", error: "Stopped" }[status.state];
  setText(
    byId("summary"),
    `${verb}${took !== null && took >= 0 ? ` after ${duration(took)}` : ""}: ${parts.join(", ")}.`,
  );
  show(byId("summary"));
  announce(byId("summary").textContent);
  await failures.refresh();
}
