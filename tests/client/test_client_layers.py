"""The importer is an HTTP client: importing it loads no web framework and no database
driver, only the rules and the validator it shares with the server."""

import json
import subprocess
import sys

SERVER_ONLY = (
    "flask",
    "flask_smorest",
    "flask_limiter",
    "werkzeug",
    "pymongo",
    "bson",
    "mongomock",
)
# What of the app the importer may load: itself, the shared rules, the state names, and
# the schemas of import.addUsers with the envelope they extend (marshmallow only).
SHARED = (
    "app.client",
    "app.contract",
    "app.contract.identities",
    "app.contract.rules",
    "app.contract.states",
    "app.schemas",
    "app.schemas.envelope",
)
PACKAGES = ("app", "app.services")

_PROBE = (
    "import json, sys; import app.client.main; "
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('app', *%r))))"
)


def _loaded_by_the_importer():
    # A fresh interpreter: this test process has long imported the server.
    probe = _PROBE % (SERVER_ONLY,)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_importing_the_client_loads_no_flask_pymongo_or_mongomock():
    loaded = _loaded_by_the_importer()
    assert [m for m in loaded if m.split(".")[0] in SERVER_ONLY] == []


def test_the_client_loads_only_the_shared_parts_of_the_app():
    loaded = [m for m in _loaded_by_the_importer() if m.startswith("app")]
    assert "app.client.main" in loaded
    assert [m for m in loaded if m not in PACKAGES and not m.startswith(SHARED)] == []
