// Starting an import from a file: the API importer's file is read in this browser; a file
// importer's is uploaded, read by the server, and its users fetched (getImportFileData).

import { checkRecord } from "./checks.js";
import { byId, setText, show } from "./dom.js";
import { count, outcomeOf, plural, STATES, step } from "./format.js";
import { announce, clearError, showError, uploadBar } from "./page.js";
import { api, failures, history, invitations, updates } from "./parts.js";
import { poll, stopPolling } from "./polling.js";
import { confirmReplacing, showSelection } from "./run.js";
import { state } from "./state.js";
import { decode, FileError, readRecords } from "./users-file.js";

/** Read or upload the chosen file with the chosen importer (the "Read the file" button). */
export async function readChosenFile(event) {
  event.preventDefault();
  clearError();
  const file = state.file || byId("file").files[0];
  if (!file) return showError("Choose a file first.");
  const key = byId("importer").value;
  stopPolling();
  for (const id of ["select", "watch", "fix"]) show(byId(id), false);
  invitations.hide(); // the views of the operation the page showed
  updates.hide();
  show(byId("upload-progress"));
  try {
    if (key === "api") await readUsersFile(file);
    else await uploadToImporter(file, key);
  } catch (error) {
    // Nothing was read or uploaded: no bar, no word of progress next to the reason.
    show(byId("upload-progress"), false);
    announce("");
    showError(error);
    if (key !== "api") await history.load();
  }
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

async function readUsersFile(file) {
  const buffer = await readFile(file, (done, total) => uploadBar("Reading the file", done, total));
  uploadBar("Reading the file", file.size, file.size);
  const records = readRecords(file.name, decode(new Uint8Array(buffer))).map(checkRecord);
  const valid = records.filter((r) => !r.problem);
  const refused = records.filter((r) => r.problem);
  const placeOf = new Map();
  for (const r of records)
    for (const id of r.user?.importIds || []) if (typeof id === "string") placeOf.set(id, r);
  failures.reset(refused, placeOf);
  await failures.refresh();
  state.kind = "api";
  state.read = records.length;
  state.records = valid;
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
export function waitForSelection() {
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
      await unreadable(status);
      return false;
    }
    // Read (or further on): getImportFileData gives the selection, or says why it cannot.
    const data = await api.get("getImportFileData");
    if (data.waiting) return true;
    state.kind = "file";
    state.read = (data.users || []).length;
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

// The server could not read the file: say why, and nothing else (no summary of an earlier
// operation, no counters of a run that never was).
async function unreadable(status) {
  const operation = status.operation;
  const why = operation?.errorMessage || (operation ? outcomeOf(operation) : STATES.none);
  showError(`The file could not be read: ${why}`);
  setText(byId("upload-label"), "Uploaded; the server could not read it");
  announce("");
  for (const id of ["select", "watch", "fix"]) show(byId(id), false);
  await history.load();
}
