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

/** The message of a failed answer: Rocket.Chat's `error` (or `message`), never an object. */
export function messageOf(status, body, statusText) {
  for (const key of ["error", "message", "reason"]) {
    const value = body && body[key];
    if (typeof value === "string" && value) return value;
  }
  if (body && body.error && typeof body.error === "object") {
    const inner = body.error.message || body.error.reason;
    if (typeof inner === "string" && inner) return inner;
  }
  return `The server answered ${status}${statusText ? " " + statusText : ""}.`;
}

function retryAfterOf(headers) {
  const reset = Number(headers.get("X-RateLimit-Reset"));
  if (reset) return Math.max(1, Math.ceil((reset - Date.now()) / 1000));
  return Number(headers.get("Retry-After")) || 5;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
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
    if (query) url += "?" + new URLSearchParams(query).toString();
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
    const data = await readJson(response);
    if (!response.ok || (data && data.success === false)) {
      const retry = response.status === 429 ? retryAfterOf(response.headers) : null;
      throw new ApiError(
        response.status,
        messageOf(response.status, data, response.statusText),
        data && typeof data.errorType === "string" ? data.errorType : null,
        retry,
      );
    }
    return data;
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
        let data = null;
        try {
          data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && !(data && data.success === false)) {
          resolve(data);
        } else {
          const errorType = data && typeof data.errorType === "string" ? data.errorType : null;
          reject(new ApiError(xhr.status, messageOf(xhr.status, data, xhr.statusText), errorType));
        }
      });
      xhr.send(payload);
    });
  }
}
