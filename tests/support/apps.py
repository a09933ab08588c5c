"""The test app, built one way: its settings, make_app(), and callers that send requests."""

from click.testing import CliRunner

from app import create_app
from app.config import load_settings
from app.services.worker import Worker

# What every test app runs with unless a test says otherwise: an empty embedded database
# (no demo), quiet logs, no worker thread (tests run workers themselves).
TEST_SETTINGS = {
    "SEED_DEMO": False,
    "LOG_LEVEL": "WARNING",
    "TESTING": True,
    "IMPORT_WORKER": "off",
}


def make_app(**overrides):
    """Return an app on TEST_SETTINGS, with these settings changed."""
    return create_app({**TEST_SETTINGS, **overrides})


def documented_routes(authenticated):
    """Return (method, path) of every route the OpenAPI document says needs (or not) both
    headers, whatever blueprint serves it."""
    spec = make_app().test_client().get("/api/v1/openapi.json").json
    return sorted(
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if ("security" in operation) == authenticated
    )


def make_worker(db, *, worker_id=None, **settings):
    """Return an import worker on db: the settings' defaults, a cheap bcrypt, these changed."""
    return Worker.from_settings(
        db, load_settings({"BCRYPT_ROUNDS": 4, **settings}), worker_id=worker_id
    )


def run_server_command(args, **env):
    """Run `bulk-import-server ARGS` in-process with these environment variables."""
    from app.serving.cli import main

    return CliRunner().invoke(main, args, env={"MONGO_URL": None, **env})


class Caller:
    """A user with credentials, able to call the API through the test client."""

    def __init__(self, client, user, token):
        self.client, self.user, self.token = client, user, token
        self.headers = {"X-User-Id": user["_id"], "X-Auth-Token": token}

    def get(self, path, **kwargs):
        """GET /api/v1/<path> as this user."""
        return self.client.get(f"/api/v1/{path}", headers=self.headers, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST /api/v1/<path> as this user."""
        return self.client.post(f"/api/v1/{path}", headers=self.headers, json=json, **kwargs)
