"""The importer registry, and importers reading the file object production gives them."""

import ast
import io
import sys
from pathlib import Path

import pytest

from app import importers
from tests.support import importfiles
from tests.support.importfiles import limits


def test_visible_lists_csv_then_slack_users_as_rocket_chat_does():
    assert [(i.key, i.name) for i in importers.visible()] == [
        ("csv", "CSV"),
        ("slack-users", "Slack_Users"),
    ]


@pytest.mark.parametrize("key", ["csv", "slack-users"])
def test_find_returns_the_importer_of_a_key(key):
    assert importers.find(key).key == key


@pytest.mark.parametrize("key", ["api", "CSV", "slack", "", "pending"])
def test_find_knows_no_other_key(key):
    assert importers.find(key) is None


@pytest.fixture
def gridfs_bucket():
    import gridfs
    import mongomock
    import mongomock.gridfs

    mongomock.gridfs.enable_gridfs_integration()
    # Small chunks, so that lines and zip records straddle chunk boundaries.
    return gridfs.GridFSBucket(mongomock.MongoClient().db, "files", chunk_size_bytes=4096)


@pytest.mark.parametrize(
    "key, data",
    [
        ("csv", importfiles.users_zip(3000, channels=2, messages=5, direct=3)),
        ("slack-users", importfiles.slack_csv(3000)),
    ],
    ids=["csv", "slack-users"],
)
def test_a_gridfs_file_is_prepared_as_an_in_memory_one(gridfs_bucket, key, data):
    upload = gridfs_bucket.open_upload_stream("file")
    upload.write(data)
    upload.close()
    importer = importers.find(key)
    from_gridfs = list(importer.prepare(gridfs_bucket.open_download_stream(upload._id), limits()))
    assert from_gridfs == list(importer.prepare(io.BytesIO(data), limits()))
    assert len(importfiles.staged_users(from_gridfs)) == 3000


IMPORTERS = Path(importers.__file__).parent


@pytest.mark.parametrize("path", sorted(IMPORTERS.glob("*.py")), ids=lambda p: p.name)
def test_the_importers_are_a_pure_library(path):
    # Only the standard library, requests (downloads), each other and the contract (pure
    # constants): no Flask, no database, no service; so any layer may use them and a test
    # needs no app.
    for node in ast.walk(ast.parse(path.read_text())):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names | {"requests", "urllib3"} or name.startswith(
                ("app.importers", "app.contract")
            ), f"{path.name} imports {name}"
