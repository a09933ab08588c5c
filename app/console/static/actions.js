// What can be done to an operation once it exists: cancel it, clear it, or start another.

import { byId, show } from "./dom.js";
import { announce, confirmed, focusHeading, showError } from "./page.js";
import { api, failures, history, invitations, updates } from "./parts.js";
import { stopPolling } from "./polling.js";
import * as session from "./session.js";
import { state } from "./state.js";
import { watch } from "./watch.js";

const CLEARED =
  "Cleared: no import operation is current and the staging area is empty. Users already created stay; the cleared operation is listed under Recent operations.";

/** Cancel the import once confirmed; it stops at its next batch (the "Cancel" button). */
export async function cancelImport() {
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
    if (!state.poller) watch(state.operationId, state.expected);
  } catch (error) {
    showError(error);
  }
}

/** Clear every operation and the staging area once confirmed (the "Clear" button). */
export async function clearOperation() {
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
    invitations.hide();
    updates.hide();
    // No operation is current now: nothing of the one cleared stays on the page but its
    // line in the history.
    for (const id of ["fix", "select", "watch", "upload-progress"]) show(byId(id), false);
    Object.assign(state, { operationId: null, expected: null, read: null, unselected: 0 });
    session.remember("operation", null);
    announce(CLEARED);
    await history.load();
    focusHeading("start-title");
  } catch (error) {
    showError(error);
  }
}

/** Go back to choosing a file (the "Start another import" button). */
export function anotherImport() {
  stopPolling();
  state.file = null;
  byId("file").value = "";
  show(byId("select"), false);
  show(byId("upload-progress"), false);
  announce("");
  byId("importer").focus();
}
