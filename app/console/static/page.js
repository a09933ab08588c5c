// What every step of the console shows: the alert, announcements, focus, progress bars and
// the confirmation dialog.

import { byId, setText, show } from "./dom.js";
import { count } from "./format.js";

/** Show an error (or a message) in the alert. */
export function showError(error) {
  const text = error instanceof Error ? error.message : String(error);
  setText(byId("alert"), text);
  show(byId("alert"), Boolean(text));
}

/** Hide the alert. */
export function clearError() {
  show(byId("alert"), false);
  setText(byId("alert"), "");
}

/** Tell a screen reader what happened (the live region). */
export function announce(text) {
  setText(byId("announce"), text);
}

/** Move the focus to a section's heading, as a screen reader user needs on a new step. */
export function focusHeading(id) {
  const heading = byId(id);
  heading.tabIndex = -1;
  heading.focus();
}

function bar(barId, textId, labelId, label, done, total, unit) {
  setText(byId(labelId), label);
  const element = byId(barId);
  element.max = Math.max(total, 1);
  element.value = Math.min(done, total);
  const percent = total ? Math.floor((100 * done) / total) : 0;
  setText(byId(textId), `${percent}% · ${count(done)} of ${count(total)} ${unit}`);
}

/** Show how far a file is read or uploaded. */
export const uploadBar = (label, done, total, unit = "bytes") =>
  bar("upload-bar", "upload-text", "upload-label", label, done, total, unit);

/** Show how many users are staged or processed. */
export const importBar = (label, done, total) =>
  bar("import-bar", "import-percent", "import-bar-label", label, done, total, "users");

/** Ask a question in the modal dialog; resolve to true when the answer is `yes`. */
export function confirmed(title, text, yes) {
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
