// The users that were not imported: those refused in the browser or while staging (kept
// here), then the current operation's import.errors (the server's), paged, and as a CSV.

import { ApiError } from "./api.js";
import { rules } from "./contract.js";
import { byId, PagedTable, setText, show } from "./dom.js";
import { count, csvCell, plural } from "./format.js";

// The largest page import.errors gives (Rocket.Chat's API_Upper_Count_Limit).
const PAGE = rules.MAX_COUNT;

const first = (list) => (Array.isArray(list) && list.length ? list[0] : "");
const reasonOf = (failed) =>
  (failed.errors || [])
    .map((e) => (e && typeof e.message === "string" ? e.message : ""))
    .filter(Boolean)
    .join("; ") || "refused";

export class Failures {
  constructor(api, showError) {
    this.api = api;
    this.showError = showError;
    this.local = []; // [{where, user, problem}]
    this.whereOf = new Map(); // import id -> where it is in the file
    this.serverTotal = 0;
    this.withServer = false; // import.errors belongs to the operation being watched
    this.table = PagedTable.named("errors", 5, "No failed user.", (offset, size) =>
      this.page(offset, size),
    );
    byId("download-errors").addEventListener("click", () => this.download().catch(showError));
  }

  /**
   * Start again: the browser's failures of a new file, and whether import.errors (the
   * current operation's) belongs with them: not until that file's operation exists.
   */
  reset(local = [], whereOf = new Map(), withServer = false) {
    this.local = local;
    this.whereOf = whereOf;
    this.withServer = withServer;
    this.serverTotal = 0;
    this.table.page = 0;
  }

  localRow(record) {
    const user = record.user && typeof record.user === "object" ? record.user : {};
    return [
      record.where,
      user.username ?? "",
      first(user.emails),
      first(user.importIds),
      record.problem,
    ];
  }

  serverRow(failed) {
    const data = failed.data || {};
    const importId = first(data.importIds);
    return [
      this.whereOf.get(importId) || "–",
      data.username ?? "",
      first(data.emails),
      importId,
      reasonOf(failed),
    ];
  }

  async serverPage(offset, size) {
    if (!this.withServer) return [];
    try {
      const answer = await this.api.get("import.errors", {
        offset: String(offset),
        count: String(size),
      });
      this.serverTotal = answer.total ?? 0;
      return answer.users || [];
    } catch (error) {
      // A real Rocket.Chat has no import.errors, and none without an operation: no list.
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
        this.serverTotal = 0;
        return [];
      }
      throw error;
    }
  }

  async page(offset, size) {
    const rows = this.local.slice(offset, offset + size).map((r) => this.localRow(r));
    const serverOffset = Math.max(0, offset - this.local.length);
    const wanted = size - rows.length;
    const server = await this.serverPage(serverOffset, Math.max(1, Math.min(PAGE, wanted)));
    if (wanted > 0) rows.push(...server.slice(0, wanted).map((f) => this.serverRow(f)));
    return { rows, total: this.local.length + this.serverTotal };
  }

  /** Show the list again (e.g. once an import has finished); hide it when empty. */
  async refresh() {
    await this.table.refresh();
    const total = this.table.total;
    show(byId("fix"), total > 0);
    const parts = [];
    if (this.local.length)
      parts.push(
        `${count(this.local.length)} refused before the import (checked in the browser or by import.addUsers)`,
      );
    if (this.serverTotal)
      parts.push(`${count(this.serverTotal)} refused by the import (import.errors)`);
    setText(
      byId("fix-summary"),
      `${plural(total, "user")} ${total === 1 ? "was" : "were"} not imported: ${parts.join("; ")}.`,
    );
    return total;
  }

  async everything() {
    const rows = this.local.map((r) => this.localRow(r));
    for (let offset = 0; ; offset += PAGE) {
      const users = await this.serverPage(offset, PAGE);
      rows.push(...users.map((f) => this.serverRow(f)));
      if (!users.length || offset + PAGE >= this.serverTotal) break;
    }
    return rows;
  }

  /** Offer every failed user as a CSV file: where, username, email, import id, reason. */
  async download() {
    const rows = await this.everything();
    const lines = [["where", "username", "email", "importId", "reason"], ...rows].map((r) =>
      r.map(csvCell).join(","),
    );
    const blob = new Blob([`${lines.join("\r\n")}\r\n`], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "failed-users.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }
}
