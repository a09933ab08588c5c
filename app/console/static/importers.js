// The importers the administrator can choose from: the API importer (a users file read in
// this browser) and the server's file importers (importers.list).

import { ApiError } from "./api.js";
import { files } from "./contract.js";
import { byId, setText } from "./dom.js";
import { showError } from "./page.js";
import { api } from "./parts.js";

const API_IMPORTER = { key: "api", name: "API" };
const IMPORTER_NAMES = {
  api: files.USERS_FILE_IMPORTER, // the server's advice names it
  csv: "CSV zip (users.csv, channels.csv)",
  "slack-users": "Slack member list (CSV)",
};
const IMPORTER_HELP = {
  api: "A CSV with a header row (username, email, importId, name, password, roles, utcOffset, …), Rocket.Chat's header-less users.csv, a JSON array or JSON Lines. It is read in this browser and staged with import.addUsers.",
  csv: "A .zip holding users.csv (username,email,name, no header) and optionally channels.csv. It is uploaded and read by the server.",
  "slack-users": "The CSV of Slack's “Export member list”. It is uploaded and read by the server.",
};

/** Fill the importer list from the server, keeping the current choice. */
export async function loadImporters() {
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

/** Say what file the chosen importer takes. */
export function describeImporter() {
  const key = byId("importer").value;
  setText(byId("importer-help"), IMPORTER_HELP[key] || "A file for this importer.");
}
