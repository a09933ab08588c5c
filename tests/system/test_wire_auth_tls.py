"""MONGO_URL as Rocket.Chat administrators write it: a SCRAM-SHA-256 user, TLS, a replica
set. The service starts on it; a wrong password stops every start with one clear line."""

import pymongo
import pytest
import requests

from app import close_app
from tests.support.apps import make_app, run_server_command
from tests.support.certificates import write_server_certificates
from tests.support.processes import Process, serve
from tests.support.wire import REPLICA_SET, free_port, start, stop, wait_until_up

pytestmark = pytest.mark.wire

USER, PASSWORD, WRONG = "rcimport", "s3cret-Pa55", "not-the-password"


class SecureServer:
    """A wire server requiring SCRAM-SHA-256 and TLS, with a root and an application user."""

    def __init__(self, folder):
        self.address = f"127.0.0.1:{free_port()}"
        self.files = write_server_certificates(folder)
        storage = str(folder / "data")
        # Users are created on a first start without --auth, as MongoDB's own first start.
        process = start(self.address, storage=storage, replica_set=True)
        with pymongo.MongoClient(f"mongodb://{self.address}/?directConnection=true") as client:
            wait_until_up(client)
            client.admin.command("createUser", "root", pwd="root-pw", roles=["root"])
            roles = [{"role": "readWrite", "db": "rocketchat"}]
            client.admin.command("createUser", USER, pwd=PASSWORD, roles=roles)
        process.terminate()
        process.wait(30)
        tls = (
            "--tls-cert-file",
            self.files["server.pem"],
            "--tls-key-file",
            self.files["server.key"],
        )
        self.process = start(
            self.address, storage=storage, replica_set=True, flags=("--auth", *map(str, tls))
        )
        with pymongo.MongoClient(self.url()) as client:
            wait_until_up(client)

    def url(self, password=PASSWORD, **changes):
        """Return the README's MONGO_URL form for this server."""
        options = {
            "authSource": "admin",
            "replicaSet": REPLICA_SET,
            "tls": "true",
            "tlsCAFile": str(self.files["ca.pem"]),
            **changes,
        }
        query = "&".join(f"{k}={v}" for k, v in options.items() if v is not None)
        return f"mongodb://{USER}:{password}@{self.address}/rocketchat?{query}"

    def close(self):
        """Stop the server."""
        stop(self.process)


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    server = SecureServer(tmp_path_factory.mktemp("secure"))
    yield server
    server.close()


def test_migrate_then_serve_start_on_an_authenticated_tls_replica_set(secure, tmp_path):
    migrated = run_server_command(["migrate"], MONGO_URL=secure.url())
    assert migrated.exit_code == 0, migrated.output
    port = free_port()
    api = serve(port, tmp_path / "api.log", MONGO_URL=secure.url(), IMPORT_WORKER="off")
    try:
        ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
    finally:
        api.stop()
    assert ready.status_code == 200, ready.text
    assert PASSWORD not in api.log_path.read_text()


@pytest.mark.parametrize("command", [["migrate"], ["seed"], ["token", "create", "--user", "x"]])
def test_a_wrong_password_stops_a_command_with_one_line(secure, command):
    result = run_server_command(command, MONGO_URL=secure.url(WRONG))

    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: MONGO_URL={secure.url('***')}: {secure.address}: authentication failed:"
        " wrong user name or password, or authSource"
    ]


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]])
def test_a_wrong_password_stops_a_server_process_with_one_line(secure, tmp_path, command):
    process = Process(command, tmp_path / "out.log", MONGO_URL=secure.url(WRONG))
    code = process.popen.wait(60)
    process.stop()
    output = process.log_path.read_text()

    assert code == 2
    assert output.splitlines() == [
        f"error: MONGO_URL={secure.url('***')}: {secure.address}: authentication failed:"
        " wrong user name or password, or authSource"
    ]


def test_without_the_ca_the_line_names_the_tls_handshake(secure):
    result = run_server_command(["migrate"], MONGO_URL=secure.url(tlsCAFile=None))

    assert result.exit_code == 2
    assert "TLS handshake failed" in result.output
    assert "certificate verify failed" in result.output


def test_readyz_tells_an_authentication_failure_apart(secure):
    app = make_app(MONGO_URL=secure.url(WRONG), LOG_LEVEL="CRITICAL")
    try:
        response = app.test_client().get("/readyz")
    finally:
        close_app(app)

    assert response.status_code == 503
    assert response.json["problems"] == ["auth-failed"]
    assert WRONG not in response.get_data(as_text=True)
