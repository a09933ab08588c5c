// The REST API as the console calls it: header auth, Rocket.Chat's error messages, uploads.

const BASE = "/api/v1/";

/** An API call that failed, with the message Rocket.Chat (or the service) gave. */
export class ApiError extends Error {
  constructor(status, message, errorType = null, retryAfter = null) {
    super(message);
    this.status = status;
    this.errorType = errorType;
    this.retryAfter = retryAfter; // seconds, for 429
  }
}

// Rocket.Chat ends a Meteor error's text with its code, `reason [error-code]`: a person
// reads the reason; the code stays apart, in ApiError.errorType.
const CODE = / \[([A-Za-z0-9-]+)\]$/;
const withoutCode = (text, code) =>
  text.replace(CODE, (whole, found) => (found === code || found.startsWith("error-") ? "" : whole));

/** The message of a failed answer: Rocket.Chat's `error` (or `message`) without its code. */
export function messageOf(status, body, statusText) {
  for (const key of ["error", "message", "reason"]) {
    const value = body?.[key];
    if (typeof value === "string" && value) return withoutCode(value, body.errorType);
  }
  if (body?.error && typeof body.error === "object") {
    const inner = body.error.message || body.error.reason;
    if (typeof inner === "string" && inner) return inner;
  }
  return `The server answered ${status}${statusText ? ` ${statusText}` : ""}.`;
}

/** Seconds to wait after a 429; `header(name)` reads one of the answer's headers. */
function retryAfterOf(header) {
  const reset = Number(header("X-RateLimit-Reset"));
  if (reset) return Math.max(1, Math.ceil((reset - Date.now()) / 1000));
  return Number(header("Retry-After")) || 5;
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Read an answer, however it came (fetch or XMLHttpRequest): return its data, or throw
 * the ApiError it says (a status outside 2xx, or Rocket.Chat's `success: false`).
 */
function answerOf(status, statusText, data, header) {
  if (status >= 200 && status < 300 && !(data && data.success === false)) return data;
  throw new ApiError(
    status,
    messageOf(status, data, statusText),
    data && typeof data.errorType === "string" ? data.errorType : null,
    status === 429 ? retryAfterOf(header) : null,
  );
}

/** A client of the API; `credentials()` returns {userId, token} or null. */
export class Api {
  constructor(credentials) {
    this.credentials = credentials;
  }

  headers(json) {
    const headers = { Accept: "application/json" };
    if (json) headers["Content-Type"] = "application/json";
    const who = this.credentials();
    if (who) {
      headers["X-User-Id"] = who.userId;
      headers["X-Auth-Token"] = who.token;
    }
    return headers;
  }

  /** Call a route; resolve with its JSON body, or reject with an ApiError. */
  async call(method, route, body = undefined, query = undefined) {
    let url = BASE + route;
    if (query) url += `?${new URLSearchParams(query).toString()}`;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new ApiError(0, "The service cannot be reached. Check that it is running.");
    }
    const data = parseJson(await response.text());
    return answerOf(response.status, response.statusText, data, (name) =>
      response.headers.get(name),
    );
  }

  get(route, query) {
    return this.call("GET", route, undefined, query);
  }

  post(route, body = {}) {
    return this.call("POST", route, body);
  }

  /**
   * POST a body (FormData or a JSON-able object) with XMLHttpRequest, reporting upload
   * progress as (sent, total); fetch() has no upload progress.
   */
  upload(route, body, onProgress) {
    const form = body instanceof FormData;
    const payload = form ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", BASE + route);
      for (const [name, value] of Object.entries(this.headers(!form))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener("error", () =>
        reject(new ApiError(0, "The upload was interrupted: the service cannot be reached.")),
      );
      xhr.addEventListener("load", () => {
        try {
          resolve(
            answerOf(xhr.status, xhr.statusText, parseJson(xhr.responseText), (name) =>
              xhr.getResponseHeader(name),
            ),
          );
        } catch (error) {
          reject(error);
        }
      });
      xhr.send(payload);
    });
  }
}
