"""The importer is an HTTP client: it shares the validator and rules, never the database."""

import pytest

from tests.test_layers import APP, imported_modules

SHARED = ("app.client", "app.schemas", "app.services.imports")


@pytest.mark.parametrize("path", sorted((APP / "client").glob("*.py")), ids=lambda p: p.name)
def test_the_client_reaches_no_server_internals(path):
    for module in imported_modules(path):
        assert not module.startswith(("flask", "werkzeug", "pymongo", "mongomock", "bson")), module
        if module.startswith("app"):
            assert module.startswith(SHARED), f"{path.name} imports {module}"
