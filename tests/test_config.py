"""Settings: environment over defaults, test_config over both, bad values refused by name."""

import pytest

from app.config import SettingsError, load_settings
from tests.support.apps import run_server_command


def test_defaults_then_environment_then_test_config(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_CALLS", "25")
    monkeypatch.setenv("RATE_LIMIT_ENABLED", "off")
    settings = load_settings({"RATE_LIMIT_CALLS": 3})
    assert settings["RATE_LIMIT_CALLS"] == 3
    assert settings["RATE_LIMIT_ENABLED"] is False
    assert settings["BCRYPT_ROUNDS"] == 10


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("RATE_LIMIT_CALLS", "ten", "RATE_LIMIT_CALLS='ten' is not a valid value"),
        ("RATE_LIMIT_ENABLED", "maybe", "RATE_LIMIT_ENABLED='maybe' is not a valid value"),
        ("IMPORT_WORKER", "threads", "IMPORT_WORKER must be one of thread, off"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be one of json, text"),
        ("IMPORT_BATCH_SIZE", "0", "IMPORT_BATCH_SIZE must be a positive number"),
        ("BCRYPT_ROUNDS", "3", "BCRYPT_ROUNDS must be between 4 and 31"),
    ],
)
def test_a_bad_value_is_refused_by_name(monkeypatch, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == message


def test_the_server_does_not_start_on_a_bad_setting():
    result = run_server_command(["serve"], IMPORT_WORKER="sometimes")
    assert result.exit_code == 2
    assert "not starting: IMPORT_WORKER must be one of thread, off" in result.output


def test_the_worker_does_not_start_on_a_bad_setting():
    result = run_server_command(
        ["worker"], MONGO_URL="mongodb://127.0.0.1:9/x", IMPORT_LEASE_SECONDS="-1"
    )
    assert result.exit_code == 2
    assert "IMPORT_LEASE_SECONDS must be a positive number" in result.output
