"""What the browser tests share: the demo's credentials, an API caller, page steps."""

import json
from pathlib import Path

import requests
from playwright.sync_api import expect

from app.fixtures import DEMO_CREDENTIALS, DEMO_PASSWORD
from tests.support.processes import serve
from tests.support.wire import free_port

ADMIN, ADMIN_PAT, ALICE = DEMO_CREDENTIALS
API_IMPORTER = "Users file (CSV, JSON, JSON Lines)"
AXE = Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js"
RESULTS = Path(__file__).resolve().parents[2] / "artifacts" / "axe"
RUN = "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"


def axe_violations(page, name=None):
    """Inject axe (through the driver: the page's CSP rightly refuses inline scripts), run it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(RUN)
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
        for v in violations
    ]
    if name:  # the findings of each step are kept under artifacts/axe/
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2))
    return [v for v in summary if v["impact"] in ("serious", "critical")]


class Admin:
    """The demo admin, calling the API directly: to set up and to check what the page did."""

    def __init__(self, base):
        self.base = f"{base}/api/v1/"
        self.headers = {"X-User-Id": ADMIN["user_id"], "X-Auth-Token": ADMIN["token"]}

    def get(self, route, **params):
        """GET a route; return the JSON answer."""
        return requests.get(
            self.base + route, headers=self.headers, params=params, timeout=10
        ).json()

    def post(self, route, body=None):
        """POST a route; return the JSON answer."""
        return requests.post(
            self.base + route, headers=self.headers, json=body or {}, timeout=10
        ).json()

    def can_log_in(self, username, password):
        """Tell whether a user exists with that password (an imported user can log in)."""
        body = {"user": username, "password": password}
        return requests.post(self.base + "login", json=body, timeout=10).status_code == 200


def sign_in(page, username="admin", password=DEMO_PASSWORD):
    """Open the console and sign in with a username and a password."""
    page.goto("/")
    page.get_by_label("Username or email", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def users_csv(path, users, header="username,email,importId,name,password"):
    """Write a CSV of users for the API importer: each a tuple in the header's order."""
    lines = [header, *(",".join(user) for user in users)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_file(page, path, importer=API_IMPORTER):
    """Choose an importer and a file, and have the page read it."""
    page.get_by_label("Importer").select_option(label=importer)
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Read the file").click()


def import_selected(page, timeout=60_000):
    """Start the import of the selected users and wait for its end."""
    page.get_by_role("button", name="Import the selected users").click()
    expect(page.locator("#summary")).to_be_visible(timeout=timeout)


def served_demo(tmp_path_factory):
    """Yield the base URL of a real `bulk-import-server serve` on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    # Many sign-ins from one address in a few minutes: a higher limit than Rocket.Chat's 10.
    process = serve(port, log, RATE_LIMIT_CALLS=1000, LOG_LEVEL="WARNING")
    yield f"http://127.0.0.1:{port}"
    process.stop()
