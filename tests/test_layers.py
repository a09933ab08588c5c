"""The layers point one way: each folder of app/ is one row of ARCHITECTURE.md's layer table,
and may import only the folders its row names."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# What a module at app/ root is, for the table below: the factory and the shared bits.
ROOT_MODULES = {"__init__", "config", "errors", "context"}

# folder -> the folders of app/ (and root modules) it may import. "*" is any module at the
# root of app/ among ROOT_MODULES. Third-party rules are the FORBIDDEN table's.
MAY_IMPORT = {
    "contract": set(),
    "importers": {"contract"},  # the words a refused file is told (contract/files.py)
    "dumps": {"*"},
    "models": {"contract", "*"},
    "services": {"contract", "models", "importers", "dumps", "*"},
    "schemas": {"contract", "models", "*"},
    "extensions": {"contract", "services", "models", "schemas", "dumps", "fixtures", "*"},
    "api": {"contract", "services", "schemas", "extensions", "importers", "models", "*"},
    # The SCIM door: an edge of its own beside api/, sharing its strict JSON reader (api.body).
    "scim": {"contract", "services", "schemas", "extensions", "api", "models", "*"},
    "console": {"extensions", "*"},
    "serving": {
        "contract",
        "services",
        "models",
        "schemas",
        "extensions",
        "dumps",
        "fixtures",
        "*",
    },
    # --dry-run --against reads a backup offline (app/dumps: bson, no driver).
    "client": {"contract", "schemas", "dumps", "*"},
    "fixtures": set(),
}
FORBIDDEN = {
    "contract": ("flask", "werkzeug", "pymongo", "mongomock", "bson", "marshmallow"),
    "importers": ("flask", "werkzeug", "pymongo", "mongomock"),
    "dumps": ("flask", "werkzeug", "pymongo", "mongomock"),
    "services": ("flask", "werkzeug", "pymongo", "mongomock"),
    "schemas": ("flask", "werkzeug", "pymongo", "mongomock"),
    "client": ("flask", "werkzeug", "pymongo", "mongomock"),
}


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("app", "tests"):  # `from app import x`: x is a folder or module
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
            else:
                yield node.module


def folder_of(module):
    """Return the app/ folder (or "*" for a root module) an `app.…` module lives in."""
    parts = module.split(".")
    if len(parts) == 1 or not (APP / parts[1]).is_dir():  # a root module, or create_app
        return "*"
    return parts[1]


def app_modules():
    return sorted(p for p in APP.rglob("*.py") if p.parent != APP)


def test_the_root_of_app_holds_only_the_factory_settings_errors_and_context():
    assert {p.stem for p in APP.glob("*.py")} <= ROOT_MODULES
    assert {p.name for p in APP.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(
        MAY_IMPORT
    )


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(APP)))
def test_each_folder_imports_only_the_layers_below_it(path):
    folder = path.relative_to(APP).parts[0]
    allowed = MAY_IMPORT[folder] | {folder}
    for module in imported_modules(path):
        if module.startswith("app.") or module == "app":
            assert folder_of(module) in allowed, f"{path.relative_to(APP)} imports {module}"
        assert not module.startswith(FORBIDDEN.get(folder, ())), f"{path.name} imports {module}"


@pytest.mark.parametrize(
    "path",
    sorted([*(APP / "api").rglob("*.py"), *(APP / "scim").rglob("*.py")]),
    ids=lambda p: str(p.relative_to(APP)),
)
def test_views_reach_the_data_only_through_services(path):
    for module in imported_modules(path):
        # The error handlers tell a database outage from a bug: that classification only.
        if module.startswith("app.models"):
            assert module == "app.models.db_errors", f"{path.name} imports {module}"


def test_only_models_import_pymongo():
    offenders = [
        path.relative_to(APP)
        for path in APP.rglob("*.py")
        if "models" not in path.parts
        and any(m.startswith(("pymongo", "mongomock")) for m in imported_modules(path))
    ]
    # The embedded database is a mongomock client handed to the models, made at the edge.
    assert offenders == [Path("extensions/embedded.py")] or offenders == []


TESTS = APP.parent / "tests"
# Test folders that mirror no app/ folder: helpers, whole-system tests over the wire and
# real processes, the console in a browser, and bench/'s own tests.
NOT_MIRRORS = {"support", "system", "browser", "bench"}
SHARED = ("tests.support", "tests.browser.console")  # the only test code others import


def test_no_test_module_imports_another():
    # Shared test code lives in tests/support/ (the browser tests' in tests/browser/console.py),
    # so that running one test file never runs, or depends on, another.
    offenders = [
        f"{path.relative_to(TESTS)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in imported_modules(path)
        if module.startswith("tests.") and not module.startswith(SHARED)
    ]
    assert offenders == []


def test_test_folders_mirror_app_and_hold_only_tests():
    folders = {p.name for p in TESTS.iterdir() if (p / "__init__.py").exists()}
    assert folders - NOT_MIRRORS <= set(MAY_IMPORT)
    helpers = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.parent.name not in ("support", "data")
        and not path.name.startswith("test_")
        and path.name not in ("__init__.py", "conftest.py")
        and path != TESTS / "browser" / "console.py"
    ]
    assert helpers == []
