// Recent operations (getLatestImportOperations), for callers with view-import-operations.

import { ApiError } from "./api.js";
import { byId, emptyRow, row, setText, show } from "./dom.js";
import { count, outcomeOf, step, when } from "./format.js";
import { runCounts } from "./reconcile.js";

export class History {
  constructor(api, showError) {
    this.api = api;
    this.showError = showError;
    byId("history-refresh").addEventListener("click", () => this.load());
  }

  /** Load and show the list; a caller without the permission is told so. */
  async load() {
    show(byId("history"));
    const body = byId("history-table").tBodies[0];
    let operations;
    try {
      operations = await this.api.get("getLatestImportOperations");
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        show(byId("history-table").parentElement, false);
        show(byId("history-refresh"), false);
        setText(
          byId("history-note"),
          "Your account may not see past operations (it lacks the view-import-operations permission).",
        );
        return;
      }
      this.showError(error);
      return;
    }
    show(byId("history-table").parentElement);
    show(byId("history-refresh"));
    setText(byId("history-note"), "");
    const list = Array.isArray(operations) ? operations : [];
    body.replaceChildren(
      ...(list.length
        ? list.map((op) => {
            // Users only (Rocket.Chat's counts hold channels and messages too); when it
            // started, as a cleared operation's _updatedAt is when it was cleared.
            const run = runCounts(op);
            return row([
              when(op.ts),
              op.type || op.importerKey || "–",
              outcomeOf(op),
              step(op.status),
              count(run.users),
              count(run.created + run.updated),
              count(run.failed),
            ]);
          })
        : [emptyRow(7, "No operation yet.")]),
    );
  }
}
