"""The console's page as the service serves it: routes, headers, shipped files, safe markup."""

import configparser
import fnmatch
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.console import CONTENT_SECURITY_POLICY, STATIC_DIR
from tests.support.apps import make_app

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(STATIC_DIR.glob("*.js"))


class _Client:
    """A test client whose answers are read whole and closed (files are streamed)."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        response = self.client.get(path)
        response.get_data()
        response.close()
        return response


@pytest.fixture
def client():
    app = make_app()
    with app.app_context():
        yield _Client(app.test_client())


def test_root_redirects_to_the_console(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/import"


def test_the_page_is_served_with_its_content_security_policy(client):
    response = client.get("/admin/import")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_are_served_as_javascript_modules_need(client, path):
    response = client.get(f"/admin/import/static/{path.name}")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.data == path.read_bytes()


@pytest.mark.parametrize("path", ["nope.js", "../__init__.py", "%2e%2e/__init__.py"])
def test_unknown_or_escaping_assets_are_a_json_404(client, path):
    response = client.get(f"/admin/import/static/{path}")
    assert response.status_code == 404
    assert response.get_json() == {"success": False, "error": "Resource not found"}


def test_every_static_file_is_shipped_in_the_package():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    globs = config["options.package_data"]["app"].split()
    shipped = [
        path
        for path in STATIC_DIR.rglob("*")
        if path.is_file()
        and any(fnmatch.fnmatch(str(path.relative_to(ROOT / "app")), g) for g in globs)
    ]
    assert sorted(shipped) == sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())


class _Markup(HTMLParser):
    """Collects what matters for the CSP and for labels."""

    def __init__(self):
        super().__init__()
        self.tags, self.inline_script, self.labels, self.in_script = [], False, set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        self.in_script = tag == "script"

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline_script = True

    def handle_endtag(self, tag):
        self.in_script = False


def markup():
    parser = _Markup()
    parser.feed((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_page_has_no_inline_code_or_style():
    parsed = markup()
    assert not parsed.inline_script
    for tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        assert tag != "style"
        if tag == "script":
            assert attrs.get("type") == "module" and attrs["src"].startswith("/admin/import/")


def test_every_control_has_a_label():
    parsed = markup()
    for tag, attrs in parsed.tags:
        if tag in ("input", "select", "textarea"):
            assert attrs.get("id") in parsed.labels or "aria-label" in attrs, (tag, attrs)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_never_parse_text_as_html_or_code(path):
    source = path.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"{path.name} uses {sink}"
    assert not re.search(r"new Function\s*\(", source)
    # Tokens travel in headers only: no script builds a URL from them.
    assert not re.search(r"[?&](authToken|token|X-Auth-Token)=", source)
