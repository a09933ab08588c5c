"""/healthz and /readyz."""

import pymongo
import pytest

from app import close_app
from tests.support.apps import make_app
from tests.support.wire import free_port, start, url_for, wait_until_up


def test_healthz_answers_without_credentials(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "success": True}


def test_readyz_is_ready_on_the_migrated_embedded_database(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json) == (200, {"status": "ready", "success": True})


def test_readyz_waits_for_pending_migrations(db, client):
    db.bulkimport_migrations.delete_one({"_id": 2})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["reasons"] == ["migration 0002 not applied"]


def test_readyz_fails_without_a_database():
    app = make_app(MONGO_URL="mongodb://127.0.0.1:9/rc", MONGO_TIMEOUT_MS=300, LOG_LEVEL="CRITICAL")
    response = app.test_client().get("/readyz")
    close_app(app)
    assert response.status_code == 503
    assert response.json["problems"] == ["unreachable"]
    assert response.json["reasons"] == [
        "the database cannot be reached: 127.0.0.1:9: connection refused (nothing listens there)"
    ]


@pytest.mark.wire
def test_readyz_fails_with_the_database_down_and_recovers(tmp_path, wire_server):
    address = f"127.0.0.1:{free_port()}"
    server = start(address, storage=str(tmp_path / "data"))
    url = url_for(address, "rc")
    with pymongo.MongoClient(url) as client:
        wait_until_up(client)
    from app.models import connection
    from app.services import migrations

    db = connection.connect(url, 2000)
    migrations.migrate(db)
    db.client.close()
    app = make_app(MONGO_URL=url, MONGO_TIMEOUT_MS=1000, LOG_LEVEL="CRITICAL")
    try:
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        server.terminate()
        server.wait(10)
        assert client.get("/readyz").status_code == 503
        server = start(address, storage=str(tmp_path / "data"))
        with pymongo.MongoClient(url) as probe:
            wait_until_up(probe)
        assert client.get("/readyz").status_code == 200
    finally:
        close_app(app)
        server.terminate()
        server.wait(10)
