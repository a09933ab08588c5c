// A sync from the console: the file's users staged in a sync operation (import.new with
// mode "sync"), its plan shown (import.plan: counts per action, then each entry, paged),
// and import.run only once the administrator confirms what it will change.

import { sync } from "./contract.js";
import { byId, PagedTable, setText, show } from "./dom.js";
import { clearError, confirmed, focusHeading, importBar, showError } from "./page.js";
import { api, selection } from "./parts.js";
import { stage } from "./stage.js";
import { state } from "./state.js";
import { countRows, entryCells, planSummary } from "./sync-words.js";
import { resetCounters, watch } from "./watch.js";

let entries = null; // the PagedTable of the plan's entries, made on first use

function entriesTable() {
  entries ||= PagedTable.named("plan", 3, "The plan holds no entry.", async (offset, size) => {
    const { plan } = await api.get("import.plan", { offset, count: size });
    return { rows: plan.entries.map(entryCells), total: plan.total };
  });
  return entries;
}

/** Stage the selected users in a sync and show its plan (the "Show the sync plan" button). */
export async function previewSync() {
  clearError();
  const chosen = selection.chosen();
  if (!chosen.length) return showError("Select at least one user.");
  const options = { mode: sync.MODE, deactivateMissing: byId("sync-deactivate").checked };
  try {
    const records = chosen.map((u) => state.records[u.id]);
    show(byId("upload-progress"));
    const staged = await stage(
      api,
      records,
      (done, total) => importBar("Users staged", done, total),
      options,
    );
    state.operationId = staged.operation._id;
    state.expected = staged.sent;
    const { plan } = await api.get("import.plan");
    showPlan(plan);
  } catch (error) {
    showError(error);
  }
}

function showPlan(plan) {
  show(byId("select"), false);
  show(byId("sync"));
  setText(byId("plan-summary"), planSummary(plan.counts));
  byId("plan-counts").tBodies[0].replaceChildren(
    ...countRows(plan.counts).map((cells) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = cells[0];
      const td = document.createElement("td");
      td.textContent = cells[1];
      tr.append(th, td);
      return tr;
    }),
  );
  setText(byId("plan-over-limit"), plan.overLimit ? `Refused: ${plan.overLimit}` : "");
  show(byId("plan-over-limit"), Boolean(plan.overLimit));
  state.plan = plan;
  entriesTable().go(0);
  focusHeading("sync-title");
}

/** Ask, then run the plan (the "Run the sync" button). */
export async function runSync() {
  clearError();
  const counts = state.plan?.counts || {};
  const ok = await confirmed(
    "Run the sync?",
    `${planSummary(counts).replace("Plan (nothing changed yet): ", "It will change: ")}.`,
    "Run the sync",
  );
  if (!ok) return;
  try {
    await api.post("import.run");
    show(byId("sync"), false);
    resetCounters();
    const writes = sync.WRITING_ACTIONS.reduce((sum, action) => sum + (counts[action] || 0), 0);
    watch(state.operationId, writes);
  } catch (error) {
    showError(error);
  }
}
