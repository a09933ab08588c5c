// Watching an import: import.status polled, its counts (users only), rate and time left,
// and once it is finished the reconciliation of the users read, in the command line's words.

import { states } from "./contract.js";
import { byId, setText, show } from "./dom.js";
import { count, duration, stateLine, step } from "./format.js";
import { announce, focusHeading, importBar } from "./page.js";
import { api, failures, history, invitations, updates } from "./parts.js";
import { poll } from "./polling.js";
import { reconcile, reportsUpdates, roomsSentence, runCounts, sentence } from "./reconcile.js";
import * as session from "./session.js";
import { state } from "./state.js";

const COUNTERS = ["count-created", "count-updated", "count-failed", "count-total"];

/** Empty the counters before a new import is staged. */
export function resetCounters() {
  for (const id of COUNTERS) setText(byId(id), "0");
  for (const id of ["count-rate", "count-eta", "count-step"]) setText(byId(id), "–");
  for (const id of ["summary", "cancel", "clear", "run-staged", "updated-tile"])
    show(byId(id), false);
  state.lastState = null;
  invitations.hide();
  updates.hide();
}

/** Watch an operation until it is finished; `expected`: the users this tab gave the run. */
export function watch(operationId, expected) {
  Object.assign(state, { operationId, expected, samples: [], lastState: null });
  failures.withServer = true;
  session.remember("operation", {
    id: operationId,
    expected,
    read: state.read,
    unselected: state.unselected,
    local: failures.local.slice(0, 2000),
  });
  show(byId("select"), false);
  show(byId("watch"));
  show(byId("summary"), false);
  focusHeading("watch-title");
  poll(async () => {
    const status = await api.get("import.status");
    if (status.operation?._id !== operationId) return replaced(status);
    renderStatus(status);
    if (!states.FINISHED_STATES.includes(status.state)) return true;
    await finished(status);
    await history.load(); // the operation's last line
    return false;
  });
}

// Another operation took this one's place (a Clear, or an import started elsewhere).
async function replaced(status) {
  for (const id of ["cancel", "clear", "run-staged"]) show(byId(id), false);
  invitations.hide();
  updates.hide();
  const why =
    status.state === "none"
      ? "The operation was cleared."
      : "Another import operation replaced this one on the server.";
  setText(byId("state"), why);
  announce(why);
  await history.load();
  return false;
}

function rateOf(processed) {
  const now = performance.now() / 1000;
  state.samples.push([now, processed]);
  while (state.samples.length > 2 && now - state.samples[0][0] > 10) state.samples.shift();
  const [t0, p0] = state.samples[0];
  return now - t0 >= 0.5 ? (processed - p0) / (now - t0) : null;
}

const isMine = (operation) => Boolean(state.operationId) && operation._id === state.operationId;

/** Show an answer of import.status: its state, users counts, rate, and what can be done. */
export function renderStatus(status) {
  show(byId("watch"));
  const operation = status.operation || {};
  const run = runCounts(operation);
  const total = (isMine(operation) && state.expected) || run.users;
  const processed = run.created + run.updated + run.failed;
  if (status.state !== state.lastState) {
    state.lastState = status.state;
    setText(byId("state"), stateLine(status));
  }
  const done = status.state === "done" ? Math.max(processed, total) : processed;
  importBar("Users processed", done, Math.max(total, done));
  setText(byId("count-created"), count(run.created));
  setText(byId("count-updated"), count(run.updated));
  show(byId("updated-tile"), reportsUpdates(operation));
  setText(byId("count-failed"), count(run.failed));
  setText(byId("count-total"), count(total));
  setText(byId("count-step"), step(operation.status));
  const rate = status.state === "importing" ? rateOf(processed) : null;
  setText(byId("count-rate"), rate === null ? "–" : rate.toFixed(rate < 10 ? 1 : 0));
  setText(byId("count-eta"), rate ? duration(Math.max(total - processed, 0) / rate) : "–");
  show(byId("cancel"), states.CANCELLABLE_STATES.includes(status.state));
  show(byId("clear"), status.state !== "none");
  show(
    byId("run-staged"),
    status.state === "ready" &&
      operation.importerKey === "api" &&
      !isMine(operation) &&
      state.kind !== "api",
  );
  invitations.showFor(status);
}

/** Sum up a finished operation: how long, and the reconciliation of the users read. */
export async function finished(status) {
  const operation = status.operation || {};
  const mine = isMine(operation);
  const ts = Date.parse(operation.ts);
  // Only for a run this tab started: a cleared operation's _updatedAt is when it was cleared.
  const took = !mine || Number.isNaN(ts) ? null : (Date.parse(operation._updatedAt) - ts) / 1000;
  const known = mine
    ? { refused: failures.local.length, unselected: state.unselected, sent: state.expected }
    : {};
  const verb = { done: "Finished", canceled: "Cancelled" }[status.state] || "Stopped";
  const after = took !== null && took >= 0 ? ` after ${duration(took)}` : "";
  const rooms = roomsSentence(operation);
  const summary = `${verb}${after}. ${sentence(reconcile(operation, known))}.`;
  setText(byId("summary"), rooms ? `${summary} ${rooms}` : summary);
  show(byId("summary"));
  announce(byId("summary").textContent);
  await failures.refresh();
  await updates.showFor(status);
}
