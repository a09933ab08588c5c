// Signing in (a password, or a personal access token) and out; after sign-in or a reload,
// where the import stands.

import { ApiError } from "./api.js";
import { states } from "./contract.js";
import { byId, setText, show } from "./dom.js";
import { loadImporters } from "./importers.js";
import { clearError, focusHeading, showError } from "./page.js";
import { api, failures, history } from "./parts.js";
import { signedOut, stopPolling } from "./polling.js";
import * as session from "./session.js";
import { waitForSelection } from "./start.js";
import { state } from "./state.js";
import { finished, renderStatus, watch } from "./watch.js";

/** Sign in with a username (or email) and a password (the password form). */
export async function signInWithPassword(event) {
  event.preventDefault();
  clearError();
  const user = byId("username").value.trim();
  const password = byId("password").value;
  if (!user || !password) return showError("Enter a username (or email) and a password.");
  try {
    const answer = await api.post("login", { user, password });
    const data = answer.data || {};
    session.save({
      userId: data.userId,
      token: data.authToken,
      username: data.me?.username || user,
      kind: "login",
    });
  } catch (error) {
    byId("password").value = "";
    return showError(`Sign-in refused: ${error.message}`);
  }
  byId("password").value = "";
  await enter();
}

/** Sign in with a user id and a personal access token (the token form). */
export async function signInWithToken(event) {
  event.preventDefault();
  clearError();
  const userId = byId("user-id").value.trim();
  const token = byId("token").value.trim();
  if (!userId || !token) return showError("Enter a user id and a personal access token.");
  session.save({ userId, token, username: userId, kind: "token" });
  try {
    const me = await api.get("me");
    session.save({ userId, token, username: me.username || userId, kind: "token" });
  } catch (error) {
    session.clear();
    return showError(`Sign-in refused: ${error.message}`);
  }
  byId("token").value = "";
  await enter();
}

/** Sign out: revoke a login token this console made; only forget a personal access token. */
export async function signOut() {
  const current = session.load();
  stopPolling();
  // A login token was made by this console: revoke it. A personal access token belongs to
  // the administrator, who may use it elsewhere: logout would delete it, so it is only forgotten.
  if (current && current.kind === "login") {
    try {
      await api.post("logout");
    } catch {
      // Already invalid: nothing to revoke.
    }
  }
  signedOut(
    current && current.kind === "token"
      ? "Signed out. The personal access token was forgotten by this tab; it is still valid."
      : "Signed out.",
  );
  focusHeading("sign-in-title");
}

/** After sign-in (or a reload): check the permission, then show where the import stands. */
export async function enter() {
  const who = session.load();
  if (!who) return signedOut();
  show(byId("sign-in"), false);
  setText(byId("who-name"), who.username);
  show(byId("who"));
  let status;
  try {
    status = await api.get("import.status");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return signedOut(`Your session has ended: ${error.message}`);
    if (error instanceof ApiError && error.status === 403) {
      setText(
        byId("no-permission-text"),
        `${who.username} is signed in but may not import users: the account lacks the run-import permission (held by the admin role by default). Ask an administrator, or sign in as one. The server said: ${error.message}`,
      );
      show(byId("no-permission"));
      focusHeading("no-permission-title");
      await history.load();
      return;
    }
    return showError(error);
  }
  show(byId("start"));
  await loadImporters();
  await history.load();
  focusHeading("start-title");
  // Not awaited: it may go on watching (and move the focus on, to a running import). What
  // fails there is shown, not left unhandled: a sign-out while a finished import's failures
  // load makes import.errors answer 401.
  resume(status).catch(showError);
}

/**
 * After sign-in or a reload (enter() has loaded the history): show the current operation
 * where it stands, if it is live or this tab ran it. A finished operation of someone else
 * (say, the demo's) is only listed under Recent operations: the page does not present it
 * as the newcomer's own.
 */
async function resume(status) {
  if (status.state === "none") return;
  const kept = session.recall("operation");
  const mine = kept && kept.id === status.operation?._id;
  if (!mine && states.FINISHED_STATES.includes(status.state)) return;
  if (mine) {
    Object.assign(state, {
      operationId: kept.id,
      expected: kept.expected,
      read: kept.read ?? null,
      unselected: kept.unselected || 0,
    });
    failures.reset(kept.local || []);
  }
  failures.withServer = true;
  if (status.state === "importing") return watch(status.operation._id, state.expected);
  if (status.state === "loading") {
    show(byId("upload-progress"));
    return waitForSelection();
  }
  if (status.state === "ready" && status.operation.importerKey !== "api") return waitForSelection();
  renderStatus(status);
  if (states.FINISHED_STATES.includes(status.state)) return finished(status);
}
