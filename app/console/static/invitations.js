// Set-password invitations of the operation the page shows (import.invite, import.invitations,
// import.invitations.cancel): the button once it has finished (disabled with the reason
// before), import.invite's answer in words, each person's state, paged, polled while mail
// is on its way. Every call names the operation, and the view closes when another takes
// its place: what it says is always true of the operation shown. No token or link is ever
// in an answer, so none can be shown.

import { ApiError } from "./api.js";
import { invitations as words } from "./contract.js";
import { byId, PagedTable, setText, show } from "./dom.js";
import { when } from "./format.js";
import {
  countsSentence,
  detailWords,
  invitable,
  inviteSentence,
  stateWords,
  stillSending,
} from "./invitation-words.js";
import { announce, clearError, confirmed } from "./page.js";
import { Poller } from "./poller.js";
import { signedOut } from "./polling.js";

const PAGE = 100; // import.invitations' largest page (Rocket.Chat's API_Upper_Count_Limit)
const MAX_USERNAMES = 10000; // import.invite's `users` in one call (import.addUsers' limit)
const ELEMENTS = ["invite-answer", "invite-counts", "invitations-list"];

const cells = (person) => [
  person.username || "–",
  person.name || "",
  person.email || "",
  stateWords(person),
  detailWords(person),
];

/** Whether an error is a refusal that asking again would meet (4xx but 429). */
const refusal = (error) =>
  error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;

export class Invitations {
  constructor(api, showError) {
    this.api = api;
    this.showError = showError;
    this.operationId = null; // the operation the view is about
    this.allowed = false;
    this.loaded = false; // import.invitations read once for this operation
    this.listing = null; // import.invitations' last answer
    this.poller = null;
    this.table = PagedTable.named(
      "invitations",
      5,
      "Nobody invited yet.",
      (offset, size) => this.page(offset, size),
      50,
    );
    const act = (id, action) =>
      byId(id).addEventListener("click", () => action.call(this).catch(showError));
    act("invite-send", this.send);
    act("invite-retry", this.retryFailed);
    act("invite-cancel", this.cancelSending);
  }

  /** Show the view for import.status's operation: the button enabled once it has finished. */
  showFor(status) {
    const id = status?.operation?._id || null;
    if (!id) return this.hide();
    // Another operation, or the view was closed (a sign-out): start afresh.
    if (id !== this.operationId || byId("invite").hidden) this.reset(id, status.operation);
    const { allowed, reason } = invitable(status);
    this.allowed = allowed;
    byId("invite-send").disabled = !allowed;
    setText(byId("invite-why"), reason);
    show(byId("invite-why"), !allowed);
    show(byId("invite"));
    if (allowed && !this.loaded) {
      this.loaded = true;
      this.refresh().catch((error) => this.unavailable(error));
    }
  }

  /** Close the view (the operation was cleared, replaced, or the page moved on). */
  hide() {
    this.stopPolling();
    Object.assign(this, { operationId: null, allowed: false, loaded: false, listing: null });
    show(byId("invite"), false);
  }

  reset(id, operation) {
    this.stopPolling();
    Object.assign(this, { operationId: id, loaded: false, listing: null });
    this.table.page = 0;
    this.table.total = 0;
    for (const element of ELEMENTS) show(byId(element), false);
    setText(byId("invite-answer"), "");
    show(byId("invite-retry"), false);
    show(byId("invite-cancel"), false);
    setText(
      byId("invite-about"),
      `Each person the import of ${when(operation.ts)} created (or updated) who has an e-mail address and never logged in can be mailed a link to set their password on Rocket.Chat's own page.`,
    );
  }

  // A server without the invitation routes (a real Rocket.Chat) has no view to show.
  unavailable(error) {
    if (error instanceof ApiError && error.status === 404) return this.hide();
    this.showError(error);
  }

  async page(offset, size) {
    const id = this.operationId;
    if (!id) return { rows: [], total: 0 };
    const query = { operationId: id, offset: String(offset), count: String(size) };
    const answer = await this.api.get("import.invitations", query);
    // The view moved on to another operation while this page was on its way: drop it.
    if (this.operationId !== id || answer.operationId !== id) return { rows: [], total: 0 };
    this.listing = answer;
    return { rows: (answer.invitations || []).map(cells), total: answer.total ?? 0 };
  }

  /** Read the current page and the counts again; show what can be done next. */
  async refresh() {
    await this.table.refresh();
    const listing = this.listing;
    if (!listing || !this.operationId) return;
    const counts = listing.counts || {};
    const anyone = Object.values(counts).some((n) => n > 0);
    setText(byId("invite-counts"), countsSentence(listing));
    show(byId("invite-counts"), anyone || Boolean(byId("invite-answer").textContent));
    show(byId("invitations-list"), anyone);
    show(byId("invite-retry"), this.allowed && counts.failed > 0);
    show(byId("invite-cancel"), listing.status === words.JOB_SENDING);
    if (stillSending(listing)) this.startPolling();
  }

  startPolling() {
    if (this.poller) return;
    this.poller = new Poller(() => this.tick(), {
      interval: 2000, // mail goes out at INVITE_MAILS_PER_MINUTE: every 2 s is soon enough
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) {
          signedOut("Your session has ended: sign in again.");
          return this.stopped();
        }
        this.showError(error);
        if (refusal(error)) this.poller = null;
        return !refusal(error);
      },
    });
    this.poller.start();
  }

  stopPolling() {
    const poller = this.poller;
    this.poller = null;
    if (poller) poller.stop();
  }

  async tick() {
    // Signed out, or closed: nothing to watch.
    if (!this.operationId || byId("invite").hidden) return this.stopped();
    if (!(await this.stillCurrent())) return this.stopped();
    await this.refresh();
    if (stillSending(this.listing)) return true;
    announce(countsSentence(this.listing));
    return this.stopped();
  }

  stopped() {
    this.poller = null;
    return false;
  }

  /** Tell whether the view's operation is still the current one; close the view if not. */
  async stillCurrent() {
    const status = await this.api.get("import.status");
    if (status.operation?._id === this.operationId) return true;
    this.hide();
    announce(
      "The operation was cleared or replaced: its invitations are no longer shown. Mail already queued is still sent.",
    );
    return false;
  }

  /** Queue the operation's invitations, once confirmed (the "Send invitations" button). */
  async send() {
    clearError();
    const id = this.operationId;
    if (!id || !(await this.stillCurrent()) || !this.allowed) return;
    const yes = await confirmed(
      "Send set-password invitations?",
      "Each person this import created or updated who has an e-mail address and never logged in gets a mail with a link to set a password. Anyone already sent one is not mailed again.",
      "Send the mails",
    );
    if (yes) await this.invite({ operationId: id });
  }

  /** Queue again the people whose mail failed (the "Send again to the failed" button). */
  async retryFailed() {
    clearError();
    const id = this.operationId;
    if (!id || !(await this.stillCurrent())) return;
    const usernames = await this.failedUsernames(id);
    if (!usernames.length) return this.refresh();
    // A failure is queued again without `resend`: nobody sent a mail meanwhile gets two.
    for (let at = 0; at < usernames.length; at += MAX_USERNAMES)
      await this.invite({ operationId: id, users: usernames.slice(at, at + MAX_USERNAMES) });
  }

  async failedUsernames(id) {
    const names = [];
    for (let offset = 0; ; offset += PAGE) {
      const query = { operationId: id, state: words.FAILED, offset: String(offset), count: "100" };
      const answer = await this.api.get("import.invitations", query);
      names.push(...(answer.invitations || []).map((p) => p.username).filter(Boolean));
      if (!answer.invitations?.length || offset + PAGE >= (answer.total ?? 0)) return names;
    }
  }

  async invite(body) {
    const button = byId("invite-send");
    button.disabled = true; // one click, one call
    let answer;
    try {
      answer = await this.api.post("import.invite", body);
    } finally {
      button.disabled = !this.allowed;
    }
    if (this.operationId !== body.operationId) return; // the view moved on meanwhile
    const sentence = inviteSentence(answer);
    setText(byId("invite-answer"), sentence);
    show(byId("invite-answer"));
    announce(sentence);
    await this.refresh();
  }

  /** Stop sending once confirmed: the mails not sent yet are cancelled. */
  async cancelSending() {
    const id = this.operationId;
    if (!id) return;
    const yes = await confirmed(
      "Stop sending the invitations?",
      "The mails not sent yet are cancelled; those already sent stay sent. Send invitations queues them again.",
      "Stop the mails",
    );
    if (!yes || this.operationId !== id) return;
    await this.api.post("import.invitations.cancel", { operationId: id });
    announce("Sending stopped: the mails not sent yet are cancelled.");
    await this.refresh();
  }
}
