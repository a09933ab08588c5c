"""Browser tests of the console: a real `bulk-import-server serve` and Debian's Chromium.

Every test here is marked `browser`. Without /usr/bin/chromium they are skipped on a
developer's machine and FAIL in CI (CI=true), so that a missing browser is never silent.
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.console import Admin, served_demo

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# No sandbox (CI runs as root), no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test of this folder `browser`."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """The Chromium executable; a failure in CI when it is missing, a skip elsewhere."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    message = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    """Launch Debian's Chromium: Playwright's own browser download is not reachable."""
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def console_url(tmp_path_factory):
    """The base URL of the demo the browser tests share."""
    yield from served_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def base_url(console_url):
    """Pages open relative to the served console (replaces pytest-base-url's fixture)."""
    return console_url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every page is desktop-sized unless a test says otherwise."""
    return {**browser_context_args, "viewport": {"width": 1200, "height": 900}}


@pytest.fixture
def admin_api(console_url):
    """The demo admin's API, with no import operation left running by an earlier test."""
    admin = Admin(console_url)
    admin.post("import.clear")
    return admin


@pytest.fixture
def page(page):
    """The page, failing the test on any dialog (alert) or script error it shows."""
    problems = []
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    yield page
    assert not problems, problems


@pytest.fixture
def shot(page, request):
    """Save a screenshot of the page under artifacts/screenshots/<test>-<n>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    taken = []

    def take(step):
        taken.append(step)
        page.screenshot(path=SCREENSHOTS / f"{name}-{len(taken):02d}-{step}.png", full_page=True)

    return take
