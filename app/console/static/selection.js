// Who to import: the users of a file as a paged table, with select all / none / by search.
// Selection and search work on typed arrays, so 100,000 users stay quick.

import { byId, PagedTable, row, setText } from "./dom.js";
import { count } from "./format.js";

const yesNo = (value) => (value ? "yes" : "no");

export class Selection {
  constructor(onChange) {
    this.onChange = onChange;
    this.users = [];
    this.table = PagedTable.named("users", 5, "No user matches.", (offset, size) =>
      this.page(offset, size),
    );
    let timer = null;
    byId("search").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.search(byId("search").value), 150);
    });
    byId("select-all").addEventListener("click", () => this.setAll(1));
    byId("select-none").addEventListener("click", () => this.setAll(0));
    byId("select-matching").addEventListener("click", () => this.setMatching(1));
    byId("unselect-matching").addEventListener("click", () => this.setMatching(0));
  }

  /** Show these users ({id, username, email, deleted, bot}), every one selected. */
  load(users) {
    this.users = users;
    this.keys = users.map((u) => `${u.username ?? ""}\u0000${u.email ?? ""}`.toLowerCase());
    this.selected = new Uint8Array(users.length).fill(1);
    this.selectedCount = users.length;
    this.matches = null;
    byId("search").value = "";
    this.table.page = 0;
    return this.redraw();
  }

  search(text) {
    const needle = text.trim().toLowerCase();
    if (!needle) {
      this.matches = null;
    } else {
      const found = [];
      this.keys.forEach((key, index) => {
        if (key.includes(needle)) found.push(index);
      });
      this.matches = Int32Array.from(found);
    }
    this.table.page = 0;
    return this.redraw();
  }

  setAll(value) {
    this.selected.fill(value);
    this.selectedCount = value ? this.users.length : 0;
    return this.redraw();
  }

  setMatching(value) {
    if (!this.matches) return this.setAll(value);
    for (const index of this.matches) {
      if (this.selected[index] !== value) {
        this.selected[index] = value;
        this.selectedCount += value ? 1 : -1;
      }
    }
    return this.redraw();
  }

  page(offset, size) {
    const total = this.matches ? this.matches.length : this.users.length;
    const rows = [];
    for (let i = offset; i < Math.min(total, offset + size); i += 1) {
      const index = this.matches ? this.matches[i] : i;
      rows.push(this.rowOf(index));
    }
    return { rows, total };
  }

  rowOf(index) {
    const user = this.users[index];
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = this.selected[index] === 1;
    box.setAttribute("aria-label", `Import ${user.username || user.email || user.id}`);
    box.addEventListener("change", () => {
      this.selected[index] = box.checked ? 1 : 0;
      this.selectedCount += box.checked ? 1 : -1;
      this.summarize();
    });
    return row([box, user.username ?? "", user.email ?? "", yesNo(user.deleted), yesNo(user.bot)]);
  }

  async redraw() {
    await this.table.refresh();
    this.summarize();
  }

  summarize() {
    let text = `${count(this.selectedCount)} of ${count(this.users.length)} users selected.`;
    if (this.matches) text += ` ${count(this.matches.length)} match the search.`;
    setText(byId("select-summary"), text);
    this.onChange(this.selectedCount);
  }

  /** The selected users, in file order. */
  chosen() {
    return this.users.filter((_, index) => this.selected[index] === 1);
  }

  /** Tell whether every user is selected. */
  all() {
    return this.selectedCount === this.users.length;
  }
}
