"""docker-compose.yml and the Dockerfile: valid, and shaped as the deployment needs."""

import json
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.config import BY_NAME
from tests.support.paths import ROOT

COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_file_validates_against_the_compose_specification():
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_invalid_compose_file_is_caught(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE.read_text().replace(
            "    restart: unless-stopped\n", "    restart: [unless-stopped]\n", 1
        )
    )
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(broken)],
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0


def test_mongo_is_the_official_image_with_a_healthcheck_and_a_named_volume(compose):
    mongo = compose["services"]["mongo"]
    assert mongo["image"].startswith("mongo:")
    assert "isWritablePrimary" in " ".join(mongo["healthcheck"]["test"])
    volume = mongo["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_migrations_run_once_before_the_api_and_the_workers(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["bulk-import-server", "migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_the_api_runs_under_gunicorn_with_several_workers_and_no_import_thread(compose):
    api = compose["services"]["api"]
    assert "command" not in api  # the image's: gunicorn_conf, API_WORKERS processes
    assert api["environment"]["IMPORT_WORKER"] == "off"
    assert "/readyz" in " ".join(api["healthcheck"]["test"])


def test_imports_run_in_a_separate_worker_service(compose):
    worker = compose["services"]["worker"]
    assert worker["command"] == ["bulk-import-server", "worker"]
    assert worker["deploy"]["replicas"] >= 2


def test_the_demo_profile_seeds_the_fixtures_before_migrating(compose):
    seed = compose["services"]["seed"]
    assert seed["profiles"] == ["demo"]
    assert seed["command"] == ["bulk-import-server", "seed"]
    assert compose["services"]["migrate"]["depends_on"]["seed"]["required"] is False


def test_every_variable_the_services_set_is_a_setting(compose):
    for name, service in compose["services"].items():
        for variable in service.get("environment") or {}:
            assert variable in BY_NAME, f"{name} sets unknown {variable}"


def test_the_image_runs_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "pip install ." in dockerfile


def _image_gunicorn_settings(monkeypatch, **env):
    for name in ("MONGO_URL", "API_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("app.serving.gunicorn_conf")


def test_the_image_serves_the_app_with_its_gunicorn_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    (command,) = re.findall(r"^CMD\s+(.+)$", dockerfile, re.MULTILINE)
    assert json.loads(command) == ["gunicorn", "--config", "python:app.serving.gunicorn_conf"]


def test_without_mongo_url_the_image_starts_one_process(monkeypatch):
    settings = _image_gunicorn_settings(monkeypatch, API_WORKERS="4")
    assert settings["workers"] == 1
    assert settings["wsgi_app"] == "app:create_app()"


def test_with_mongo_url_the_image_starts_api_workers_processes(monkeypatch):
    assert _image_gunicorn_settings(monkeypatch, MONGO_URL="mongodb://m/rc")["workers"] == 4
    settings = _image_gunicorn_settings(monkeypatch, MONGO_URL="mongodb://m/rc", API_WORKERS="6")
    assert settings["workers"] == 6


ROCKETCHAT_VARIANT = ROOT / "docker-compose.rocketchat.yml"
OURS = ("init", "seed", "migrate", "api", "worker")


def test_the_variant_next_to_rocket_chat_validates_against_the_compose_specification():
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(ROCKETCHAT_VARIANT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_setting_of_env_reaches_every_service(compose):
    # .env.example says compose passes .env to every service: each reads it whole.
    for name in (*OURS, "mongo"):
        assert compose["services"][name]["env_file"] == ".env", name


def test_compose_restates_no_default_of_a_setting(compose):
    # A value written in compose would silently win over .env; only what a service must
    # differ in (the API never imports) is set there, and never to the default.
    for name in OURS:
        for variable, value in (compose["services"][name].get("environment") or {}).items():
            setting = BY_NAME[variable]
            assert str(value) != str(setting.default), f"{name} restates {variable}={value}"
            # `${X:-default}` would restate it too, and hide .env's value when X is unset.
            assert not re.search(r"\$\{\w+:-", str(value)), f"{name}: {variable}={value}"


def test_no_setting_is_hard_coded_in_a_command(compose):
    for name in OURS:
        command = " ".join(compose["services"][name].get("command") or [])
        assert not re.search(r"\b[A-Z][A-Z0-9_]{3,}=", command), (name, command)


def test_the_worker_reports_its_health(compose):
    healthcheck = compose["services"]["worker"]["healthcheck"]
    assert healthcheck["test"][1:] == ["bulk-import-server", "ready"]


def test_the_compose_version_needed_is_said_where_it_is_read():
    needed = "Compose 2.20 or later"
    assert needed in COMPOSE.read_text()
    assert needed in (ROOT / "docs" / "deployment.md").read_text()


def test_next_to_rocket_chat_our_services_join_its_network_and_no_mongo_of_ours():
    variant = yaml.safe_load(ROCKETCHAT_VARIANT.read_text())
    network = variant["networks"]["rocketchat"]
    assert network["external"] is True and "ROCKETCHAT_NETWORK" in network["name"]
    assert set(variant["services"]) == {"migrate", "api", "worker"}
    for service in variant["services"].values():
        assert "rocketchat" in service["networks"]
    # The recipe names Rocket.Chat's replica set in MONGO_URL, as Rocket.Chat's own does.
    assert "replicaSet=" in ROCKETCHAT_VARIANT.read_text()
    assert "--no-deps" in ROCKETCHAT_VARIANT.read_text()
