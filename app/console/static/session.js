// Who is signed in, kept in this tab's sessionStorage (never in a URL, never in a cookie).

const KEY = "rc-bulk-import.session";

/** Return {userId, token, username, kind} of this tab's session, or null. */
export function load() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY));
    return value?.userId && value.token ? value : null;
  } catch {
    return null;
  }
}

/** Remember a session for this tab. */
export function save(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

/** Forget this tab's session and what it remembered about imports. */
export function clear() {
  sessionStorage.clear();
}

/** Keep a small JSON value for this tab (e.g. what the browser knows of an operation). */
export function remember(name, value) {
  try {
    sessionStorage.setItem(`rc-bulk-import.${name}`, JSON.stringify(value));
  } catch {
    // Too big for sessionStorage: it is only lost on a reload.
  }
}

/** Read back a value kept with remember(), or null. */
export function recall(name) {
  try {
    return JSON.parse(sessionStorage.getItem(`rc-bulk-import.${name}`));
  } catch {
    return null;
  }
}
