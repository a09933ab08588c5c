// Polling import.status while something runs, and the end of a session, which stops it.

import { ApiError } from "./api.js";
import { byId, show } from "./dom.js";
import { announce, showError } from "./page.js";
import { Poller } from "./poller.js";
import * as session from "./session.js";
import { state } from "./state.js";

/** Stop the poller, if one runs. */
export function stopPolling() {
  if (state.poller) state.poller.stop();
  state.poller = null;
}

/** Poll `tick` about once a second (in place of any poller) until it resolves to false. */
export function poll(tick) {
  stopPolling();
  state.poller = new Poller(tick, {
    onPause: (paused) => show(byId("paused"), paused),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) {
        signedOut("Your session has ended: sign in again.");
        return false;
      }
      showError(error);
      // A refusal (4xx) would be answered the same next second: stop. The service
      // unreachable, a 429 or a 5xx (503 while it restarts) may pass: keep polling.
      return !(
        error instanceof ApiError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429
      );
    },
  });
  state.poller.start();
}

/** Show the sign-in form alone: polling stopped, the session and its secrets forgotten. */
export function signedOut(message = "") {
  stopPolling();
  session.clear();
  for (const id of [
    "who",
    "no-permission",
    "start",
    "select",
    "watch",
    "fix",
    "history",
    "invite",
    "updates",
  ])
    show(byId(id), false);
  show(byId("sign-in"));
  byId("password").value = "";
  byId("token").value = "";
  announce(message);
}
