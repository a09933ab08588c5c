"""A small client of Rocket.Chat's REST API: login, logout, me and the import routes."""

import itertools
import re
import time

import requests

from app.contract.rules import MAX_COUNT

MAX_RETRIES = 5
PLAN_SECONDS = 3600.0  # the longest import.plan is waited for (it works the plan out)
MAX_WAIT_SECONDS = 120.0
_TRANSIENT = (502, 503, 504)
_WAIT = re.compile(r"wait (\d+) seconds")


class ApiError(Exception):
    """The server refused a call; `error` and `error_type` are Rocket.Chat's own words.

    It reads as the reason a person needs, the machine code apart:
    `the file is not a zip (uploadImportFile answered 400, error-invalid-file)`.
    """

    def __init__(self, route, status, error, error_type=None):
        self.route, self.status, self.error, self.error_type = route, status, error, error_type
        # Rocket.Chat ends a Meteor error's text with its code: `reason [error-code]`.
        self.reason = error.removesuffix(f" [{error_type}]") if error_type else error
        super().__init__(f"{self.reason} ({self.where})")

    @property
    def where(self):
        """Return which call answered what: `import.new answered 400, error-code`."""
        code = f", {self.error_type}" if self.error_type else ""
        return f"{self.route} answered {self.status}{code}"


class Unreachable(Exception):
    """The server could not be reached at all."""


class RocketChat:
    """Calls a Rocket.Chat-compatible server; credentials go in headers, never in logs."""

    def __init__(self, url, *, timeout=30.0, session=None, sleep=time.sleep):
        self.url = re.sub(r"(/api(/v1)?)?/*$", "", url)
        self.timeout, self.sleep = timeout, sleep
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "bulk-import-users"
        self.logged_in = False

    def use_token(self, user_id, token):
        """Send this user id and token (a login or personal access token) with every call."""
        self.session.headers.update({"X-User-Id": user_id, "X-Auth-Token": token})

    def login(self, user, password):
        """Log in with a username (or email) and password; later calls use the new token."""
        data = self._call("POST", "login", json={"user": user, "password": password})["data"]
        self.use_token(data["userId"], data["authToken"])
        self.logged_in = True
        return data["me"]

    def logout(self):
        """Drop the token login() created; a token given by the caller is left alone."""
        if self.logged_in:
            self._call("POST", "logout")
            self.logged_in = False

    def me(self):
        """Return the caller's own user."""
        return self._call("GET", "me", idempotent=True)

    def import_status(self):
        """Return `{state, operation?}` of the current import operation."""
        return self._call("GET", "import.status", idempotent=True)

    def import_new(self, options=None):
        """Start a new import operation (invalidating any other); return it. `options`
        (ours): `{"mode": "sync", ...}` makes it a sync."""
        return self._call("POST", "import.new", json=options)["operation"]

    def import_plan(self, offset=0, action=None):
        """Return one page of the current sync's plan (ours) and the run's progress. The
        first call after import.addUsers works the plan out (minutes for 100,000 users on a
        slow server): it is waited for, and not repeated while it may still be running."""
        params = {"offset": offset, "count": MAX_COUNT, **({"action": action} if action else {})}
        timeout = (self.timeout, max(self.timeout, PLAN_SECONDS))
        return self._call("GET", "import.plan", params=params, timeout=timeout)

    def import_cancel(self):
        """Cancel the current operation."""
        self._call("POST", "import.cancel")

    def add_users(self, users):
        """Stage users in the current operation."""
        self._call("POST", "import.addUsers", json={"users": users})

    def import_run(self):
        """Start importing the staged users."""
        self._call("POST", "import.run")

    def importers(self):
        """Return the server's file importers, `[{key, name}]` (importers.list)."""
        return self._call("GET", "importers.list", idempotent=True, bare=True)

    def upload_import_file(self, body, query=None, content_type="application/json"):
        """Send a file to uploadImportFile; `body` is a readable, rewindable upload body."""
        headers = {"Content-Type": content_type}
        self._call("POST", "uploadImportFile", data=body, params=query, headers=headers)

    def import_file_data(self):
        """Return `{waiting: true}` while the file is prepared, then its selection."""
        return self._call("GET", "getImportFileData", idempotent=True)

    def start_import(self, selection):
        """Import the records a selection names (startImport)."""
        self._call("POST", "startImport", json={"input": selection})

    def failed_users(self):
        """Yield every failed staged user of import.errors (ours), page by page."""
        offset = 0
        while True:
            params = {"offset": offset, "count": MAX_COUNT}
            page = self._call("GET", "import.errors", params=params, idempotent=True)
            yield from page["users"]
            offset += page["count"]
            if not page["count"] or offset >= page["total"]:
                return

    def invite(self, operation_id=None, usernames=None, resend=False):
        """Queue set-password invitations (ours); return `{operationId, queued, skipped}`."""
        body = {"operationId": operation_id, "users": usernames, "resend": resend or None}
        body = {key: value for key, value in body.items() if value is not None}
        return self._call("POST", "import.invite", json=body)

    def invitation_counts(self, operation_id):
        """Return an operation's invitations' `{status, counts}` (and their first one)."""
        params = {"operationId": operation_id, "count": 1}
        return self._call("GET", "import.invitations", params=params, idempotent=True)

    def invitations(self, operation_id, state=None):
        """Yield every invitation of an operation (in one state), page by page."""
        offset = 0
        while True:
            params = {"operationId": operation_id, "offset": offset, "count": MAX_COUNT}
            if state:
                params["state"] = state
            page = self._call("GET", "import.invitations", params=params, idempotent=True)
            yield from page["invitations"]
            offset += page["count"]
            if not page["count"] or offset >= page["total"]:
                return

    def _call(self, method, route, *, idempotent=False, bare=False, **request):
        url = f"{self.url}/api/v1/{route}"
        timeout = request.pop("timeout", self.timeout)
        for attempt in itertools.count():
            last = attempt == MAX_RETRIES
            if hasattr(request.get("data"), "seek"):
                request["data"].seek(0)  # a repeated upload sends its file from the start
            try:
                response = self.session.request(method, url, timeout=timeout, **request)
            except requests.RequestException as error:
                if not idempotent or last:
                    raise Unreachable(self._unreachable(error)) from None
                self.sleep(min(2**attempt, MAX_WAIT_SECONDS))
                continue
            if last or not _worth_repeating(response, idempotent):
                return _body(route, response, bare)
            self.sleep(_wait_seconds(response, attempt))

    def _unreachable(self, error):
        if isinstance(error, requests.Timeout):
            return f"{self.url}: no answer within {self.timeout:g} s"
        return f"{self.url}: cannot connect ({error.__class__.__name__})"


def _worth_repeating(response, idempotent):
    # A 429 was never processed, so any call may be repeated; a 502-504 only when the call
    # can be repeated without harm.
    return response.status_code == 429 or (idempotent and response.status_code in _TRANSIENT)


def _wait_seconds(response, attempt):
    # Rocket.Chat says when the limit resets (epoch ms), and how long to wait in the message.
    reset = response.headers.get("X-RateLimit-Reset", "")
    if reset.isdigit():
        seconds = int(reset) / 1000 - time.time()
    else:
        found = _WAIT.search(response.text)
        seconds = int(found.group(1)) if found else 2**attempt
    return min(max(seconds, 0.5), MAX_WAIT_SECONDS)


def _body(route, response, bare=False):
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok and isinstance(body, list if bare else dict):
        return body
    if isinstance(body, dict):
        error = body.get("error") or body.get("message") or response.reason
        raise ApiError(route, response.status_code, str(error), body.get("errorType"))
    raise ApiError(route, response.status_code, response.reason or "not a JSON answer")
