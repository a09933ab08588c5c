"""Fixtures: an app on an empty embedded database, its client and db, and callers to send."""

import threading

import pymongo
import pytest
from werkzeug.serving import make_server

from app import close_app
from app.extensions.db import get_db
from app.services import migrations
from tests.support import factories
from tests.support.apps import Caller, make_app, make_worker
from tests.support.failpoints import FaultServer
from tests.support.wire import WireServer


@pytest.fixture
def app():
    """An app on a fresh, empty in-memory database."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def db(app):
    """The app's database."""
    return get_db()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def admin(client, db):
    """An admin, with Rocket.Chat's default permissions and roles in place."""
    factories.insert_permissions(db)
    factories.insert_roles(db)
    user, token = factories.insert_user(db, roles=("admin", "user"), username="admin")
    return Caller(client, user, token)


@pytest.fixture
def regular(client, db, admin):
    """A user with the `user` role only."""
    user, token = factories.insert_user(db, roles=("user",), username="regular")
    return Caller(client, user, token)


@pytest.fixture(scope="session")
def wire_server():
    """The MongoDB-compatible wire server, shared by the whole session."""
    server = WireServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def fault_server():
    """A wire server of our own advertising a replica set, with failpoints (support/failpoints)."""
    server = FaultServer()
    yield server
    server.close()


@pytest.fixture
def wire_url(wire_server):
    """The MONGO_URL of a fresh database on the wire server, dropped afterwards."""
    url = wire_server.new_database_url()
    yield url
    with pymongo.MongoClient(url) as client:
        client.drop_database(client.get_default_database())


@pytest.fixture
def migrated_wire_db(wire_url):
    """wire_url's database, migrated, as the server processes under test will find it."""
    with pymongo.MongoClient(wire_url) as client:
        database = client.get_default_database()
        migrations.migrate(database)
        yield database


@pytest.fixture
def wire_app(wire_url):
    """An app on a fresh wire-server database."""
    app = make_app(MONGO_URL=wire_url)
    with app.app_context():
        yield app
    close_app(app)


@pytest.fixture
def live_url(app):
    """Serve the app over real HTTP on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def worker(db):
    """An import worker on the test database, run synchronously with worker.run_pending()."""
    worker = make_worker(db, worker_id="test-worker")
    yield worker
    worker.stop()
