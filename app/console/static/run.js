// Choosing who to import, and starting the import: the API importer stages the chosen
// users (import.addUsers) and runs them; a file importer is told who (startImport).

import { roomsOf, showChannels } from "./channels.js";
import { byId, setText, show } from "./dom.js";
import { plural } from "./format.js";
import { clearError, confirmed, focusHeading, importBar, showError } from "./page.js";
import { api, failures, selection } from "./parts.js";
import { stage } from "./stage.js";
import { state } from "./state.js";
import { resetCounters, watch } from "./watch.js";

/** Show who can be imported, every one selected, and the file's channels if it has some. */
export async function showSelection(users, channels) {
  show(byId("select"));
  byId("with-channels").checked = true;
  const rooms = roomsOf(channels);
  setText(
    byId("with-channels-label"),
    `Also create the file's ${plural(rooms.length, "channel")} and add their members`,
  );
  show(byId("channels-choice"), rooms.length > 0);
  showChannels(channels);
  show(byId("sync-choice"), state.kind === "api"); // a sync stages a users file (sync-plan.js)
  await selection.load(users);
  focusHeading("select-title");
}

/** Resolve to true unless an import runs and the administrator would rather keep it. */
export async function confirmReplacing() {
  const status = await api.get("import.status");
  if (status.state !== "importing") return true;
  return confirmed(
    "Stop the running import?",
    "An import is running. Starting a new one stops it at its next batch; the users it created stay.",
    "Stop it and go on",
  );
}

/** Import the selected users (the "Import the selected users" button). */
export async function startImport() {
  clearError();
  const chosen = selection.chosen();
  if (!chosen.length) return showError("Select at least one user.");
  show(byId("summary"), false);
  // Left out of the run: a part of the reconciliation of their own.
  state.unselected = (state.kind === "api" ? state.records.length : state.read) - chosen.length;
  try {
    if (state.kind === "api") {
      if (!(await confirmReplacing())) return;
      await stageAndRun(chosen);
    } else {
      const users = selection.all() ? { all: true } : { all: false, list: chosen.map((u) => u.id) };
      const channels = { all: byId("with-channels").checked };
      await api.post("startImport", { input: { users, channels } });
      const status = await api.get("import.status");
      watch(status.operation?._id, chosen.length);
    }
  } catch (error) {
    showError(error);
  }
}

async function stageAndRun(chosen) {
  show(byId("select"), false);
  show(byId("watch"));
  resetCounters();
  setText(byId("state"), "Staging the users (import.addUsers)…");
  const records = chosen.map((u) => state.records[u.id]);
  const result = await stage(api, records, (done, total) => importBar("Users staged", done, total));
  failures.local.push(...result.failures);
  await failures.refresh();
  if (!result.sent) {
    setText(byId("state"), "Nothing was staged: every selected user was refused.");
    return;
  }
  await api.post("import.run");
  watch(result.operation._id, result.sent);
}

/** Run users staged by another client (the "Import the staged users" button). */
export async function runStaged() {
  clearError();
  // Users staged by another client: this tab read no file of them.
  failures.reset([], new Map(), true);
  Object.assign(state, { read: null, unselected: 0 });
  try {
    await api.post("import.run");
    const status = await api.get("import.status");
    watch(status.operation?._id, status.operation?.count?.total);
  } catch (error) {
    showError(error);
  }
}
