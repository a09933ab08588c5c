// The import console: sign in, start an import, choose who, watch it, fix it.
// It calls only the public REST API, so it works the same against any deployment.

import { Api, ApiError } from "./api.js";
import { checkRecord } from "./checks.js";
import { states } from "./contract.js";
import { byId, setText, show } from "./dom.js";
import { Failures } from "./failures.js";
import { count, duration, plural, STATES, step } from "./format.js";
import { History } from "./history.js";
import { Poller } from "./poller.js";
import { Selection } from "./selection.js";
import * as session from "./session.js";
import { stage } from "./stage.js";
import { decode, FileError, readRecords } from "./users-file.js";

const API_IMPORTER = { key: "api", name: "API" };
const IMPORTER_NAMES = {
  api: "Users file (CSV, JSON, JSON Lines)",
  csv: "CSV zip (users.csv, channels.csv)",
  "slack-users": "Slack member list (CSV)",
};
const IMPORTER_HELP = {
  api: "A CSV with a header row (username, email, importId, name, password, roles, utcOffset, …), Rocket.Chat's header-less users.csv, a JSON array or JSON Lines. It is read in this browser and staged with import.addUsers.",
  csv: "A .zip holding users.csv (username,email,name, no header) and optionally channels.csv. It is uploaded and read by the server.",
  "slack-users": "The CSV of Slack's “Export member list”. It is uploaded and read by the server.",
};

const api = new Api(() => session.load());
const ui = {
  file: null, // the file picked or dropped
  kind: null, // "api" or "file": where the selection came from
  records: [], // API importer: the valid records of the file, in the selection's order
  operationId: null,
  expected: null, // users this console asked to import
  samples: [], // [time, processed] of the last seconds, for the rate
  poller: null,
  lastState: null,
};

function showError(error) {
  const text = error instanceof Error ? error.message : String(error);
  setText(byId("alert"), text);
  show(byId("alert"), Boolean(text));
}

function clearError() {
  show(byId("alert"), false);
  setText(byId("alert"), "");
}

function announce(text) {
  setText(byId("announce"), text);
}

function focusHeading(id) {
  const heading = byId(id);
  heading.tabIndex = -1;
  heading.focus();
}

function stopPolling() {
  if (ui.poller) ui.poller.stop();
  ui.poller = null;
}

function poll(tick) {
  stopPolling();
  ui.poller = new Poller(tick, {
    onPause: (paused) => show(byId("paused"), paused),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) {
        signedOut("Your session has ended: sign in again.");
        return false;
      }
      showError(error);
      // A refusal (4xx) would be answered the same next second: stop. The service
      // unreachable, a 429 or a 5xx (503 while it restarts) may pass: keep polling.
      return !(
        error instanceof ApiError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429
      );
    },
  });
  ui.poller.start();
}

// ---- signing in and out -------------------------------------------------------------

const failures = new Failures(api, showError);
const history = new History(api, showError);
const selection = new Selection((chosen) => {
  byId("start-import").disabled = chosen === 0;
});

function signedOut(message = "") {
  stopPolling();
  session.clear();
  for (const id of ["who", "no-permission", "start", "select", "watch", "fix", "history"])
    show(byId(id), false);
  show(byId("sign-in"));
  byId("password").value = "";
  byId("token").value = "";
  announce(message);
}

async function signInWithPassword(event) {
  event.preventDefault();
  clearError();
  const user = byId("username").value.trim();
  const password = byId("password").value;
  if (!user || !password) return showError("Enter a username (or email) and a password.");
  try {
    const answer = await api.post("login", { user, password });
    const data = answer.data || {};
    session.save({
      userId: data.userId,
      token: data.authToken,
      username: data.me?.username || user,
      kind: "login",
    });
  } catch (error) {
    byId("password").value = "";
    return showError(`Sign-in refused: ${error.message}`);
  }
  byId("password").value = "";
  await enter();
}

async function signInWithToken(event) {
  event.preventDefault();
  clearError();
  const userId = byId("user-id").value.trim();
  const token = byId("token").value.trim();
  if (!userId || !token) return showError("Enter a user id and a personal access token.");
  session.save({ userId, token, username: userId, kind: "token" });
  try {
    const me = await api.get("me");
    session.save({ userId, token, username: me.username || userId, kind: "token" });
  } catch (error) {
    session.clear();
    return showError(`Sign-in refused: ${error.message}`);
  }
  byId("token").value = "";
  await enter();
}

async function signOut() {
  const current = session.load();
  stopPolling();
  // A login token was made by this console: revoke it. A personal access token belongs to
  // the administrator, who may use it elsewhere: logout would delete it, so it is only forgotten.
  if (current && current.kind === "login") {
    try {
      await api.post("logout");
    } catch {
      // Already invalid: nothing to revoke.
    }
  }
  signedOut(
    current && current.kind === "token"
      ? "Signed out. The personal access token was forgotten by this tab; it is still valid."
      : "Signed out.",
  );
  focusHeading("sign-in-title");
}

/** After sign-in (or a reload): check the permission, then show where the import stands. */
async function enter() {
  const who = session.load();
  if (!who) return signedOut();
  show(byId("sign-in"), false);
  setText(byId("who-name"), who.username);
  show(byId("who"));
  let status;
  try {
    status = await api.get("import.status");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return signedOut(`Your session has ended: ${error.message}`);
    if (error instanceof ApiError && error.status === 403) {
      setText(
        byId("no-permission-text"),
        `${who.username} is signed in but may not import users: the account lacks the run-import permission (held by the admin role by default). Ask an administrator, or sign in as one. The server said: ${error.message}`,
      );
      show(byId("no-permission"));
      focusHeading("no-permission-title");
      await history.load();
      return;
    }
    return showError(error);
  }
  show(byId("start"));
  await loadImporters();
  await history.load();
  focusHeading("start-title");
  resume(status); // may move the focus on, to a running import
}

// ---- starting an import -------------------------------------------------------------

async function loadImporters() {
  let importers = [];
  try {
    importers = await api.get("importers.list");
  } catch (error) {
    // No file importers on this server (e.g. an older one): the API importer still works.
    if (!(error instanceof ApiError && error.status === 404)) showError(error);
  }
  const select = byId("importer");
  const previous = select.value;
  const options = [API_IMPORTER, ...(Array.isArray(importers) ? importers : [])].map((importer) => {
    const option = document.createElement("option");
    option.value = importer.key;
    option.textContent = IMPORTER_NAMES[importer.key] || String(importer.name || importer.key);
    return option;
  });
  select.replaceChildren(...options);
  if (options.some((o) => o.value === previous)) select.value = previous;
  describeImporter();
}

function describeImporter() {
  const key = byId("importer").value;
  setText(byId("importer-help"), IMPORTER_HELP[key] || "A file for this importer.");
}

function readFile(file, onProgress) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("progress", (e) => e.lengthComputable && onProgress(e.loaded, e.total));
    reader.addEventListener("error", () => reject(new FileError("The file cannot be read.")));
    reader.addEventListener("load", () => resolve(reader.result));
    reader.readAsArrayBuffer(file);
  });
}

function bar(barId, textId, labelId, label, done, total, unit) {
  setText(byId(labelId), label);
  const element = byId(barId);
  element.max = Math.max(total, 1);
  element.value = Math.min(done, total);
  const percent = total ? Math.floor((100 * done) / total) : 0;
  setText(byId(textId), `${percent}% · ${count(done)} of ${count(total)} ${unit}`);
}

const uploadBar = (label, done, total, unit = "bytes") =>
  bar("upload-bar", "upload-text", "upload-label", label, done, total, unit);

async function confirmReplacing() {
  const status = await api.get("import.status");
  if (status.state !== "importing") return true;
  return confirmed(
    "Stop the running import?",
    "An import is running. Starting a new one stops it at its next batch; the users it created stay.",
    "Stop it and go on",
  );
}

async function readChosenFile(event) {
  event.preventDefault();
  clearError();
  const file = ui.file || byId("file").files[0];
  if (!file) return showError("Choose a file first.");
  const key = byId("importer").value;
  stopPolling();
  for (const id of ["select", "watch", "fix"]) show(byId(id), false);
  show(byId("upload-progress"));
  try {
    if (key === "api") await readUsersFile(file);
    else await uploadToImporter(file, key);
  } catch (error) {
    showError(error);
  }
}

async function readUsersFile(file) {
  const buffer = await readFile(file, (done, total) => uploadBar("Reading the file", done, total));
  uploadBar("Reading the file", file.size, file.size);
  const records = readRecords(file.name, decode(new Uint8Array(buffer))).map(checkRecord);
  const valid = records.filter((r) => !r.problem);
  const refused = records.filter((r) => r.problem);
  const whereOf = new Map();
  for (const r of records)
    for (const id of r.user?.importIds || []) if (typeof id === "string") whereOf.set(id, r.where);
  failures.reset(refused, whereOf);
  await failures.refresh();
  ui.kind = "api";
  ui.records = valid;
  const users = valid.map((r, index) => ({
    id: index,
    username: r.user.username,
    email: r.user.emails[0],
    deleted: r.user.deleted === true,
    bot: r.user.type === "bot" || (Array.isArray(r.user.roles) && r.user.roles.includes("bot")),
  }));
  announce(
    `${file.name}: ${count(records.length)} records read, ${count(valid.length)} can be imported, ${count(refused.length)} cannot (listed under “Users that were not imported”).`,
  );
  await showSelection(users, []);
}

async function uploadToImporter(file, key) {
  if (!(await confirmReplacing())) return;
  // A streamed multipart upload (ours): no base64, no JSON body limit. The small fields
  // come before the file, as the server reads them first.
  const body = new FormData();
  body.append("importerKey", key);
  body.append("fileName", file.name);
  body.append(
    "contentType",
    file.type || (file.name.toLowerCase().endsWith(".zip") ? "application/zip" : "text/csv"),
  );
  body.append("file", file, file.name);
  failures.reset();
  show(byId("fix"), false);
  uploadBar("Uploading", 0, file.size);
  await api.upload("uploadImportFile", body, (sent, total) => uploadBar("Uploading", sent, total));
  uploadBar("Uploaded; the server is reading the file", 1, 1, "file");
  announce(`${file.name} uploaded: the server is reading it.`);
  waitForSelection();
}

/** Poll import.status while the server reads the file; then show its users (getImportFileData). */
function waitForSelection() {
  poll(async () => {
    const status = await api.get("import.status");
    if (status.state === "loading") {
      setText(
        byId("upload-label"),
        `The server is reading the file: ${step(status.operation?.status)}`,
      );
      return true;
    }
    if (status.state === "error" || status.state === "canceled" || status.state === "none") {
      const reason = status.state === "error" && status.operation?.errorMessage;
      showError(`The file could not be read: ${reason || STATES[status.state]}`);
      renderStatus(status);
      return false;
    }
    // Read (or further on): getImportFileData gives the selection, or says why it cannot.
    const data = await api.get("getImportFileData");
    if (data.waiting) return true;
    ui.kind = "file";
    const users = (data.users || []).map((u) => ({
      id: u.user_id,
      username: u.username,
      email: u.email,
      deleted: Boolean(u.is_deleted),
      bot: Boolean(u.is_bot),
    }));
    announce(
      `The file holds ${plural(users.length, "user")} and ${plural((data.channels || []).length, "channel")}.`,
    );
    await showSelection(users, data.channels || []);
    return false;
  });
}

async function showSelection(users, channels) {
  show(byId("select"));
  byId("with-channels").checked = true;
  setText(
    byId("with-channels-label"),
    `Also import the file's ${plural(channels.length, "channel")}`,
  );
  show(byId("channels-choice"), channels.length > 0);
  await selection.load(users);
  focusHeading("select-title");
}

// ---- importing and watching -------------------------------------------------------------

async function startImport() {
  clearError();
  const chosen = selection.chosen();
  if (!chosen.length) return showError("Select at least one user.");
  show(byId("summary"), false);
  try {
    if (ui.kind === "api") {
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

function resetCounters() {
  for (const id of ["count-created", "count-failed", "count-total"]) setText(byId(id), "0");
  for (const id of ["count-rate", "count-eta", "count-step"]) setText(byId(id), "–");
  for (const id of ["summary", "cancel", "clear", "run-staged"]) show(byId(id), false);
  ui.lastState = null;
}

async function stageAndRun(chosen) {
  show(byId("select"), false);
  show(byId("watch"));
  resetCounters();
  setText(byId("state"), "Staging the users (import.addUsers)…");
  const records = chosen.map((u) => ui.records[u.id]);
  const result = await stage(api, records, (done, total) =>
    bar("import-bar", "import-percent", "import-bar-label", "Users staged", done, total, "users"),
  );
  failures.local.push(...result.failures);
  await failures.refresh();
  if (!result.sent) {
    setText(byId("state"), "Nothing was staged: every selected user was refused.");
    return;
  }
  await api.post("import.run");
  watch(result.operation._id, result.sent);
}

function watch(operationId, expected) {
  ui.operationId = operationId;
  ui.expected = expected;
  ui.samples = [];
  ui.lastState = null;
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
  ui.samples.push([now, processed]);
  while (ui.samples.length > 2 && now - ui.samples[0][0] > 10) ui.samples.shift();
  const [t0, p0] = ui.samples[0];
  return now - t0 >= 0.5 ? (processed - p0) / (now - t0) : null;
}

function renderStatus(status) {
  show(byId("watch"));
  const operation = status.operation || {};
  const c = operation.count || {};
  const created = c.completed || 0;
  const failed = c.error || 0;
  const mine = ui.operationId && operation._id === ui.operationId;
  const total = (mine && ui.expected) || c.users || c.total || 0;
  const processed = created + failed;
  if (status.state !== ui.lastState) {
    ui.lastState = status.state;
    setText(byId("state"), STATES[status.state] || status.state);
  }
  const done = status.state === "done" ? Math.max(processed, total) : processed;
  bar(
    "import-bar",
    "import-percent",
    "import-bar-label",
    "Users processed",
    done,
    Math.max(total, done),
    "users",
  );
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
    status.state === "ready" && operation.importerKey === "api" && !mine && ui.kind !== "api",
  );
}

async function finished(status) {
  const operation = status.operation || {};
  const c = operation.count || {};
  const ts = Date.parse(operation.ts);
  // Only for a run this tab started: a cleared operation's _updatedAt is when it was cleared.
  const mine = ui.operationId && operation._id === ui.operationId;
  const took = !mine || Number.isNaN(ts) ? null : (Date.parse(operation._updatedAt) - ts) / 1000;
  const refusedBefore = failures.local.length;
  const parts = [
    `${plural(c.completed, "user")} created`,
    `${count((c.error || 0) + refusedBefore)} not imported`,
  ];
  if (refusedBefore) parts.push(`of which ${count(refusedBefore)} were refused before the import`);
  const left =
    (mine && ui.expected ? ui.expected : c.total || 0) - (c.completed || 0) - (c.error || 0);
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

/** After sign-in or a reload (enter() has loaded the history): show the operation where it stands. */
function resume(status) {
  if (status.state === "none") return;
  const kept = session.recall("operation");
  if (kept && kept.id === status.operation?._id) {
    ui.operationId = kept.id;
    ui.expected = kept.expected;
    failures.reset(kept.local || []);
  }
  failures.withServer = true;
  if (status.state === "importing") return watch(status.operation._id, ui.expected);
  if (status.state === "loading") {
    show(byId("upload-progress"));
    return waitForSelection();
  }
  if (status.state === "ready" && status.operation.importerKey !== "api") return waitForSelection();
  renderStatus(status);
  if (states.FINISHED_STATES.includes(status.state)) return finished(status);
}

async function runStaged() {
  clearError();
  try {
    await api.post("import.run");
    const status = await api.get("import.status");
    watch(status.operation?._id, status.operation?.count?.total);
  } catch (error) {
    showError(error);
  }
}

// ---- cancel, clear, confirmations ---------------------------------------------------

function confirmed(title, text, yes) {
  const dialog = byId("confirm");
  setText(byId("confirm-title"), title);
  setText(byId("confirm-text"), text);
  setText(byId("confirm-yes"), yes);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
    byId("confirm-no").focus();
  });
}

async function cancelImport() {
  if (
    !(await confirmed(
      "Cancel the import?",
      "The import stops at its next batch. Users already created stay; the others stay staged.",
      "Cancel the import",
    ))
  )
    return;
  try {
    await api.post("import.cancel");
    announce("Cancelling: the import stops after its current batch.");
    if (!ui.poller) watch(ui.operationId, ui.expected);
  } catch (error) {
    showError(error);
  }
}

async function clearOperation() {
  if (
    !(await confirmed(
      "Clear the operation?",
      "Every import operation is invalidated and the staging area emptied; a running import stops. Users already created stay.",
      "Clear it",
    ))
  )
    return;
  try {
    await api.post("import.clear");
    stopPolling();
    failures.reset();
    show(byId("fix"), false);
    show(byId("select"), false);
    const status = await api.get("import.status");
    renderStatus(status);
    show(byId("summary"), false);
    announce("The operation was cleared.");
    await history.load();
  } catch (error) {
    showError(error);
  }
}

function anotherImport() {
  stopPolling();
  ui.file = null;
  byId("file").value = "";
  show(byId("select"), false);
  show(byId("upload-progress"), false);
  announce("");
  byId("importer").focus();
}

// ---- wiring -------------------------------------------------------------------------

function wireDropZone() {
  const zone = byId("drop-zone");
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const name of ["dragleave", "drop"])
    zone.addEventListener(name, () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    ui.file = file;
    setText(byId("drop-help"), `Dropped: ${file.name} (${count(file.size)} bytes).`);
  });
  byId("file").addEventListener("change", () => {
    ui.file = null;
    const file = byId("file").files[0];
    setText(
      byId("drop-help"),
      file ? `Chosen: ${file.name} (${count(file.size)} bytes).` : "Pick a file, or drop it here.",
    );
  });
}

function wire() {
  byId("password-form").addEventListener("submit", signInWithPassword);
  byId("token-form").addEventListener("submit", signInWithToken);
  byId("sign-out").addEventListener("click", signOut);
  byId("importer").addEventListener("change", describeImporter);
  byId("upload-form").addEventListener("submit", readChosenFile);
  byId("start-import").addEventListener("click", startImport);
  byId("run-staged").addEventListener("click", runStaged);
  byId("cancel").addEventListener("click", cancelImport);
  byId("clear").addEventListener("click", clearOperation);
  byId("new-import").addEventListener("click", anotherImport);
  wireDropZone();
}

wire();
if (session.load()) enter().catch(showError);
else signedOut();
