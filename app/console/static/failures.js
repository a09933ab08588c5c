// The users that were not imported: those refused before the import (in the browser or by
// import.addUsers, kept here), then the current operation's import.errors (failed in the
// run), paged, and downloaded in the command line's report format (report.js).

import { ApiError } from "./api.js";
import { reconciliation, rules } from "./contract.js";
import { byId, PagedTable, setText, show } from "./dom.js";
import { count, plural } from "./format.js";
import { inFileOrder, reportCsv, reportJson, reportRow } from "./report.js";

// The largest page import.errors gives (Rocket.Chat's API_Upper_Count_Limit).
const PAGE = rules.MAX_COUNT;
const { PARTS } = reconciliation;

const reasonOf = (failed) =>
  (failed.errors || [])
    .map((e) => (e && typeof e.message === "string" ? e.message : ""))
    .filter(Boolean)
    .join("; ") || "refused";
const cells = ({ where, row }) => [
  where,
  row.username,
  row.emails.join("; "),
  row.importIds.join("; "),
  row.part,
  row.reason,
];

export class Failures {
  constructor(api, showError) {
    this.api = api;
    this.local = []; // [{where, line, user, problem}]: refused before the import
    this.placeOf = new Map(); // import id -> {where, line} in the file
    this.serverTotal = 0;
    this.withServer = false; // import.errors belongs to the operation being watched
    this.table = PagedTable.named("errors", 6, "No failed user.", (offset, size) =>
      this.page(offset, size),
    );
    for (const [id, format] of [
      ["download-errors", "csv"],
      ["download-errors-json", "json"],
    ])
      byId(id).addEventListener("click", () => this.download(format).catch(showError));
  }

  /**
   * Start again: the browser's failures of a new file, where its import ids are, and
   * whether import.errors (the current operation's) belongs with them.
   */
  reset(local = [], placeOf = new Map(), withServer = false) {
    Object.assign(this, { local, placeOf, withServer, serverTotal: 0 });
    this.table.page = 0;
  }

  localEntry(record) {
    const row = reportRow(record.line, record.user, "refused", record.problem);
    return { where: record.where, row };
  }

  serverEntry(failed) {
    const data = failed.data || {};
    const place = (data.importIds || []).map((id) => this.placeOf.get(id)).find(Boolean);
    return {
      where: place?.where || "–",
      row: reportRow(place?.line, data, "failed", reasonOf(failed)),
    };
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
    const rows = this.local.slice(offset, offset + size).map((r) => cells(this.localEntry(r)));
    const serverOffset = Math.max(0, offset - this.local.length);
    const wanted = size - rows.length;
    const server = await this.serverPage(serverOffset, Math.max(1, Math.min(PAGE, wanted)));
    if (wanted > 0) rows.push(...server.slice(0, wanted).map((f) => cells(this.serverEntry(f))));
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
        `${count(this.local.length)} ${PARTS.refused} (in the browser or by import.addUsers)`,
      );
    if (this.serverTotal) parts.push(`${count(this.serverTotal)} ${PARTS.failed} (import.errors)`);
    setText(
      byId("fix-summary"),
      `${plural(total, "user")} ${total === 1 ? "was" : "were"} not imported: ${parts.join("; ")}.`,
    );
    return total;
  }

  async everything() {
    const rows = this.local.map((r) => this.localEntry(r).row);
    for (let offset = 0; ; offset += PAGE) {
      const users = await this.serverPage(offset, PAGE);
      rows.push(...users.map((f) => this.serverEntry(f).row));
      if (!users.length || offset + PAGE >= this.serverTotal) break;
    }
    return inFileOrder(rows);
  }

  /** Offer every user not imported as the command line's report, CSV or JSON. */
  async download(format) {
    const rows = await this.everything();
    const [text, type] =
      format === "json"
        ? [reportJson(rows), "application/json"]
        : [reportCsv(rows), "text/csv;charset=utf-8"];
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = `failed-users.${format}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }
}
