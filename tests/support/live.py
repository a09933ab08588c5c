"""bulk-import-users against a live service over HTTP: the service, and the command run on it."""

import csv
import io
import json
import threading

from click.testing import CliRunner
from werkzeug.serving import make_server

from app.client.main import main
from app.extensions.db import get_db_of
from app.extensions.worker_binding import get_worker
from tests.support import factories
from tests.support.accounts import PASSWORD, insert_user_with_password
from tests.support.apps import make_app

ENVIRONMENT = (
    "ROCKETCHAT_URL",
    "ROCKETCHAT_USER_ID",
    "ROCKETCHAT_AUTH_TOKEN",
    "ROCKETCHAT_USER",
    "ROCKETCHAT_PASSWORD",
)


class LiveService:
    """The service over real HTTP, importing on its worker thread; it records each call."""

    def __init__(self, without=(), worker="thread", **settings):
        self.app = make_app(BCRYPT_ROUNDS=4, IMPORT_WORKER=worker, **settings)
        self.db = get_db_of(self.app)
        factories.insert_permissions(self.db)
        factories.insert_roles(self.db)
        self.admin, self.token = insert_user_with_password(self.db, roles=("admin", "user"))
        self.calls, self.without = [], without
        self.server = make_server("127.0.0.1", 0, self._serve, threaded=True)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _serve(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        route = environ["PATH_INFO"].rsplit("/", 1)[-1]
        users = len(json.loads(body)["users"]) if route == "import.addUsers" else None
        call = {"method": environ["REQUEST_METHOD"], "route": route, "users": users}
        call["query"] = environ.get("QUERY_STRING", "")
        self.calls.append(call)
        if route in self.without:  # as a real Rocket.Chat, which has no such route
            start_response("404 NOT FOUND", [("Content-Type", "application/json")])
            return [b'{"success":false,"error":"Resource not found"}']

        def recording_start_response(status, headers, *args):
            call["status"] = int(status.split()[0])
            return start_response(status, headers, *args)

        return self.app(environ, recording_start_response)

    def tokens_of_admin(self):
        return self.db.users.find_one({"_id": self.admin["_id"]})["services"]["resume"]

    def imported_users(self):
        return self.db.users.count_documents({"importIds": {"$exists": True}})

    def close(self):
        self.server.shutdown()
        with self.app.app_context():
            get_worker().stop(timeout=10)


def run(service, *args, password=True, **env):
    """Run the command in this process, as the admin unless told otherwise."""
    environment = dict.fromkeys(ENVIRONMENT)
    environment["ROCKETCHAT_URL"] = service.url
    if password:
        environment.update(ROCKETCHAT_USER="admin", ROCKETCHAT_PASSWORD=PASSWORD)
    environment.update(env)
    return CliRunner().invoke(main, ["--poll-interval", "0.02", *map(str, args)], env=environment)


def read_report(path):
    """Return the rows of a CSV error report."""
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))
