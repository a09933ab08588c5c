// The existing users a file import updated (import.updates, ours), paged: who, and which of
// their fields changed. The server records the names of the fields, never their values
// (a name or an address is not kept twice), so no old or new value can be shown.

import { ApiError } from "./api.js";
import { byId, PagedTable, setText, show } from "./dom.js";
import { plural } from "./format.js";
import { reportsUpdates, runCounts } from "./reconcile.js";

const cells = (user) => [
  user.username || "–",
  user.importId || "–",
  (user.fields || []).join(", ") || "–",
  (user.notes || []).join("; "),
];

/** The sentence over the list: how many users were updated, of which operation. */
export const updatesSentence = (total) =>
  `${plural(total, "existing user")} ${total === 1 ? "was" : "were"} updated by this import (found by e-mail address, then username). The fields changed are listed; their old and new values are not recorded.`;

export class Updates {
  constructor(api, showError) {
    this.api = api;
    this.showError = showError;
    this.operationId = null;
    this.table = PagedTable.named(
      "updates",
      4,
      "No user was updated.",
      (offset, size) => this.page(offset, size),
      50,
    );
  }

  /** Show the users import.status's (finished) operation updated; nothing if none. */
  async showFor(status) {
    const operation = status?.operation;
    if (!operation || !reportsUpdates(operation) || runCounts(operation).updated === 0)
      return this.hide();
    if (operation._id !== this.operationId) this.table.page = 0;
    this.operationId = operation._id;
    try {
      await this.table.refresh();
    } catch (error) {
      // A server without import.updates (a real Rocket.Chat): no list.
      if (error instanceof ApiError && error.status === 404) return this.hide();
      throw error;
    }
    if (this.operationId !== operation._id) return; // closed meanwhile
    setText(byId("updates-summary"), updatesSentence(this.table.total));
    show(byId("updates"), this.table.total > 0);
  }

  /** Close the list (the operation was cleared, replaced, or the page moved on). */
  hide() {
    this.operationId = null;
    show(byId("updates"), false);
  }

  async page(offset, size) {
    if (!this.operationId) return { rows: [], total: 0 };
    // import.updates answers for the current operation, the one import.status just named.
    const answer = await this.api.get("import.updates", {
      offset: String(offset),
      count: String(size),
    });
    return { rows: (answer.users || []).map(cells), total: answer.total ?? 0 };
  }
}
