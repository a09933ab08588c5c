// Small helpers to build the page's elements: text only, never HTML.

import { count } from "./format.js";

/** Return the element of that id. */
export const byId = (id) => document.getElementById(id);

/** Show or hide an element. */
export function show(element, visible = true) {
  element.hidden = !visible;
}

/** Replace an element's text (textContent: API text is never parsed as HTML). */
export function setText(element, text) {
  element.textContent = text === null || text === undefined ? "" : String(text);
}

/** A table row of text cells; a cell may also be a ready-made Node. */
export function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell === null || cell === undefined ? "" : String(cell);
    tr.append(td);
  }
  return tr;
}

/** A row spanning the whole table, saying there is nothing to show. */
export function emptyRow(columns, text) {
  const tr = document.createElement("tr");
  const td = document.createElement("td");
  td.colSpan = columns;
  td.textContent = text;
  tr.append(td);
  return tr;
}

/**
 * A paged table: `fetchPage(offset, size)` resolves to {rows: [cells...], total}.
 * Only one page of rows is ever in the document, so 100,000 records do not freeze it.
 */
export class PagedTable {
  constructor({ body, prev, next, label, columns, size = 50, empty, fetchPage }) {
    Object.assign(this, { body, prev, next, label, columns, size, empty, fetchPage });
    this.page = 0;
    this.total = 0;
    prev.addEventListener("click", () => this.go(this.page - 1));
    next.addEventListener("click", () => this.go(this.page + 1));
  }

  /** The paged table of the elements `<name>-table`, `-prev`, `-next` and `-page`. */
  static named(name, columns, empty, fetchPage, size = 50) {
    return new PagedTable({
      body: byId(`${name}-table`).tBodies[0],
      prev: byId(`${name}-prev`),
      next: byId(`${name}-next`),
      label: byId(`${name}-page`),
      columns,
      size,
      empty,
      fetchPage,
    });
  }

  /** Show page `page` (clamped), fetching its rows. */
  async go(page) {
    const last = Math.max(0, Math.ceil(this.total / this.size) - 1);
    this.page = Math.min(Math.max(0, page), this.total ? last : page);
    const { rows, total } = await this.fetchPage(this.page * this.size, this.size);
    this.total = total;
    const lastNow = Math.max(0, Math.ceil(total / this.size) - 1);
    if (this.page > lastNow) return this.go(lastNow);
    this.body.replaceChildren(
      ...(rows.length
        ? rows.map((cells) => (cells instanceof Node ? cells : row(cells)))
        : [emptyRow(this.columns, this.empty)]),
    );
    const first = total ? this.page * this.size + 1 : 0;
    const end = Math.min(total, (this.page + 1) * this.size);
    this.label.textContent = `${count(first)}–${count(end)} of ${count(total)} · page ${count(this.page + 1)} of ${count(lastNow + 1)}`;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= lastNow;
  }

  /** Show the current page again (its data changed). */
  refresh() {
    return this.go(this.page);
  }
}
