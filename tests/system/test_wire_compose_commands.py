"""docker-compose.yml's services, run as compose runs them but without Docker: each one's
command line with .env and its own environment, in compose's order, on an authenticated
replica-set wire server that holds nothing but its root user."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pymongo
import pytest
import requests
import yaml

from app.serving.server import GRACEFUL_TIMEOUT_SECONDS
from tests.support import factories
from tests.support.processes import Process, wait_for
from tests.support.wire import REPLICA_SET, free_port, start, stop, wait_until_up

pytestmark = pytest.mark.wire

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
BIN = Path(sys.executable).parent
ROOT_USER, ROOT_PASSWORD, APP_PASSWORD = "root", "root-Pa55", "app-Pa55"


def dot_env(**changes):
    """Return .env.example's variables as an administrator's .env, with these changed."""
    variables = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value
    return {**variables, **{k: str(v) for k, v in changes.items()}}


@pytest.fixture(scope="module")
def mongo(tmp_path_factory):
    """MongoDB as the mongo service leaves it on first start: a root user, authentication on."""
    address, storage = f"127.0.0.1:{free_port()}", str(tmp_path_factory.mktemp("mongo"))
    process = start(address, storage=storage, replica_set=True)
    with pymongo.MongoClient(f"mongodb://{address}/?directConnection=true") as client:
        wait_until_up(client)
        client.admin.command("createUser", ROOT_USER, pwd=ROOT_PASSWORD, roles=["root"])
    process.terminate()
    process.wait(30)
    process = start(address, storage=storage, replica_set=True, flags=("--auth",))
    yield address
    stop(process)


def environment_of(service, env):
    """Return a service's environment as compose builds it: .env (env_file), then its own."""
    return {
        **env,
        **{k: str(v) for k, v in (COMPOSE["services"][service].get("environment") or {}).items()},
    }


def run_once(service, env):
    """Run a one-shot service's command to its end; return the completed process."""
    command = COMPOSE["services"][service]["command"]
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        env={**os.environ, **environment_of(service, env)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_migrate_api_worker_start_in_compose_order_and_import(mongo, tmp_path):
    url = f"mongodb://rcimport:{APP_PASSWORD}@{mongo}/rocketchat?replicaSet={REPLICA_SET}&authSource=admin"
    port = free_port()
    env = dot_env(
        MONGO_URL=url,
        MONGO_INITDB_ROOT_USERNAME=ROOT_USER,
        MONGO_INITDB_ROOT_PASSWORD=ROOT_PASSWORD,
        API_WORKERS=1,
        BCRYPT_ROUNDS=4,
        IMPORT_POLL_SECONDS=0.2,
    )
    init = run_once("init", env)
    assert init.returncode == 0, init.stderr
    assert "user rcimport (readWrite on rocketchat): created" in init.stdout
    assert run_once("init", env).returncode == 0  # a restart changes nothing
    migrate = run_once("migrate", env)
    assert migrate.returncode == 0, migrate.stderr

    api = _image_command(environment_of("api", env), port, tmp_path / "api.log")
    worker = Process(["worker"], tmp_path / "worker.log", **environment_of("worker", env))
    try:
        ready = wait_for(lambda: _get(port, "/readyz"), 60, "the API to be ready")
        assert ready.status_code == 200
        health = subprocess.run(
            COMPOSE["services"]["worker"]["healthcheck"]["test"][1:],
            env={
                **os.environ,
                **environment_of("worker", env),
                "PATH": f"{BIN}:{os.environ['PATH']}",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert health.returncode == 0, health.stderr
        assert _import_two_users(url, port) == "done"
    finally:
        worker.stop()
        api.terminate()
        api.wait(60)
    logs = (tmp_path / "api.log").read_text() + worker.log_path.read_text()
    assert ROOT_PASSWORD not in logs and APP_PASSWORD not in logs


def _image_command(env, port, log_path):
    """Start the Dockerfile's CMD (the api service has no command of its own) on a free port."""
    (cmd,) = re.findall(r"^CMD\s+(.+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    program, *args = json.loads(cmd)
    with log_path.open("w") as log:
        return subprocess.Popen(
            [str(BIN / program), *args, "--bind", f"127.0.0.1:{port}"],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _get(port, path, **kwargs):
    try:
        return requests.get(f"http://127.0.0.1:{port}{path}", timeout=5, **kwargs)
    except requests.RequestException:
        return None


def _import_two_users(url, port):
    with pymongo.MongoClient(url) as client:
        db = client.get_default_database()
        factories.insert_permissions(db)
        factories.insert_roles(db)
        admin, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
    headers = {"X-User-Id": admin["_id"], "X-Auth-Token": token}
    base = f"http://127.0.0.1:{port}/api/v1"
    requests.post(f"{base}/import.new", headers=headers, timeout=10).raise_for_status()
    users = {"users": [factories.person(1), factories.person(2)]}
    requests.post(f"{base}/import.addUsers", json=users, headers=headers, timeout=10)
    requests.post(f"{base}/import.run", headers=headers, timeout=10).raise_for_status()
    state = wait_for(
        lambda: (
            (s := _get(port, "/api/v1/import.status", headers=headers).json()["state"])
            in ("done", "error")
            and s
        ),
        60,
        "the import",
    )
    return state


def test_the_api_stop_grace_outlasts_gunicorns_drain():
    grace = COMPOSE["services"]["api"]["stop_grace_period"]
    assert int(grace.rstrip("s")) > GRACEFUL_TIMEOUT_SECONDS
