// The import console: sign in, start an import, choose who, watch it, fix it.
// It calls only the public REST API, so it works the same against any deployment. This
// module wires the page's controls to the modules that act, and starts.

import { anotherImport, cancelImport, clearOperation } from "./actions.js";
import { byId, setText } from "./dom.js";
import { count } from "./format.js";
import { describeImporter } from "./importers.js";
import { showError } from "./page.js";
import { signedOut } from "./polling.js";
import { runStaged, startImport } from "./run.js";
import * as session from "./session.js";
import { enter, signInWithPassword, signInWithToken, signOut } from "./signing.js";
import { readChosenFile } from "./start.js";
import { state } from "./state.js";
import { previewSync, runSync } from "./sync-plan.js";

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
    state.file = file;
    setText(byId("drop-help"), `Dropped: ${file.name} (${count(file.size)} bytes).`);
  });
  byId("file").addEventListener("change", () => {
    state.file = null;
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
  byId("preview-sync").addEventListener("click", previewSync);
  byId("run-sync").addEventListener("click", runSync);
  wireDropZone();
}

wire();
if (session.load()) enter().catch(showError);
else signedOut();
