// The page's parts that live as long as it: the API client and the paged lists.

import { Api } from "./api.js";
import { byId } from "./dom.js";
import { Failures } from "./failures.js";
import { History } from "./history.js";
import { Invitations } from "./invitations.js";
import { showError } from "./page.js";
import { Selection } from "./selection.js";
import * as session from "./session.js";
import { Updates } from "./updates.js";

/** The REST API, called as this tab's signed-in user. */
export const api = new Api(() => session.load());
/** The users that were not imported. */
export const failures = new Failures(api, showError);
/** The recent operations. */
export const history = new History(api, showError);
/** Who to import: the import button waits for one user at least. */
export const selection = new Selection((chosen) => {
  byId("start-import").disabled = chosen === 0;
});
/** The set-password invitations of the operation shown. */
export const invitations = new Invitations(api, showError);
/** The existing users the operation shown updated. */
export const updates = new Updates(api, showError);
