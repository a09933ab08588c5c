"""bulk-import-users --sync against a live service over HTTP (its worker on a thread): the
plan printed, a dry run that changes nothing, a refusal with its numbers, the report."""

import json

import pytest

from tests.support import factories
from tests.support.factories import directory_entry
from tests.support.live import LiveService, run


@pytest.fixture
def service():
    live = LiveService(SYNC_MAX_DEACTIVATE_PERCENT=25)
    for n in range(3):
        emails = [{"address": f"u{n}@example.com", "verified": True}]
        factories.insert_user(
            live.db, username=f"u{n}", emails=emails, importIds=[f"i{n}"], name=f"User {n}"
        )
    yield live
    live.close()


def listed(tmp_path, *numbers, **fields):
    people = [directory_entry(n, **fields.get(f"u{n}", {})) for n in numbers]
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(people))
    return path


def people(service):
    return {u["username"]: (u.get("name"), u["active"]) for u in service.db.users.find()}


def test_a_dry_run_prints_the_plan_changes_nothing_and_leaves_nothing_staged(service, tmp_path):
    before = people(service)
    path = listed(tmp_path, 0, 1, 3, u0={"name": "Ann"})
    result = run(service, "--sync", "--deactivate-missing", "--dry-run", path)
    assert result.exit_code == 0, result.output
    assert (
        "Plan (nothing changed yet): created 1, updated 1, deactivated 1, unchanged 1"
        " (reactivated 0, refused 0)"
    ) in result.output
    assert "Dry run: nothing was changed." in result.output
    assert people(service) == before
    assert service.db.rocketchat_import.find_one(sort=[("ts", -1)])["status"] == (
        "importer_import_cancelled"
    )


def test_the_run_reports_what_it_did(service, tmp_path):
    path = listed(tmp_path, 0, 1, 3, u0={"name": "Ann"})
    result = run(service, "--sync", "--deactivate-missing", path)
    assert result.exit_code == 0, result.output
    assert "created 1, updated 1, deactivated 1, reactivated 0, unchanged 1, failed 0" in (
        result.output
    )
    assert people(service)["u0"] == ("Ann", True) and people(service)["u2"][1] is False


def test_over_the_limit_the_run_is_refused_with_the_numbers_and_forced_it_goes(service, tmp_path):
    path = listed(tmp_path, 0)
    before = people(service)
    refused = run(service, "--sync", "--deactivate-missing", path)
    assert refused.exit_code == 2
    assert "would deactivate 2 of 4 active users (50 %), over the limit of 25 %" in refused.output
    assert people(service) == before
    forced = run(service, "--sync", "--deactivate-missing", "--force", path)
    assert forced.exit_code == 0, forced.output
    assert "deactivated 2" in forced.output


def test_a_dry_run_over_the_limit_says_so_and_exits_1(service, tmp_path):
    result = run(service, "--sync", "--deactivate-missing", "--dry-run", listed(tmp_path, 0))
    assert result.exit_code == 1
    assert "Refused: the sync would deactivate 2 of 4 active users" in result.output


def test_a_list_with_a_bad_record_sends_nothing(service, tmp_path):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps([{"username": "u0", "importIds": ["i0"]}]))  # no e-mail
    result = run(service, "--sync", path)
    assert result.exit_code == 2
    assert "a sync needs the whole list" in result.output
    assert [c["route"] for c in service.calls if c["route"].startswith("import.")] == []


def test_deactivate_missing_needs_sync(service, tmp_path):
    result = run(service, "--deactivate-missing", listed(tmp_path, 0))
    assert result.exit_code == 2
    assert "--deactivate-missing and --relinquish work with --sync" in result.output


def test_an_empty_list_sends_nothing(service, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]")
    result = run(service, "--sync", "--deactivate-missing", "--force", path)
    assert result.exit_code == 2
    assert "an empty list syncs nothing" in result.output
    assert [c["route"] for c in service.calls if c["route"].startswith("import.")] == []
