"""The layers point one way: api -> services -> models -> pymongo."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


# What binds to Flask: services never import it, even indirectly through these.
_EDGE = (
    "app.api",
    "app.db",
    "app.worker_binding",
    "app.ratelimit",
    "app.logs",
    "app.json_provider",
)


def modules_under(folder):
    return sorted((APP / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("services"), ids=lambda p: p.name)
def test_services_know_nothing_of_flask_or_pymongo(path):
    for module in imported_modules(path):
        assert not module.startswith(("flask", "werkzeug", "pymongo", "mongomock", *_EDGE)), (
            f"{path.name} imports {module}"
        )


@pytest.mark.parametrize("path", modules_under("api"), ids=lambda p: p.name)
def test_views_reach_the_data_only_through_services(path):
    for module in imported_modules(path):
        # The error handlers tell a database outage from a bug: that classification only.
        if module.startswith("app.models"):
            assert module == "app.models.db_errors", f"{path.name} imports {module}"


@pytest.mark.parametrize("path", modules_under("models"), ids=lambda p: p.name)
def test_models_do_not_reach_up(path):
    for module in imported_modules(path):
        # The state machine's vocabulary (pure constants) is the one thing models may read.
        if module == "app.services.states":
            continue
        assert not module.startswith(("flask", "app.api", "app.services")), module


def test_only_models_import_pymongo():
    offenders = [
        path.relative_to(APP)
        for path in APP.rglob("*.py")
        if "models" not in path.parts
        and any(m.startswith(("pymongo", "mongomock")) for m in imported_modules(path))
    ]
    assert offenders == []


def test_no_test_module_imports_another():
    # Shared test code lives in helpers (apps, factories, accounts, wire, processes), so
    # that running one test file never runs, or depends on, another.
    tests = APP.parent / "tests"
    offenders = [
        f"{path.name} imports {module}"
        for path in sorted(tests.glob("*.py"))
        for module in imported_modules(path)
        if module.startswith(("tests.test_", "tests.conftest"))
    ]
    assert offenders == []
