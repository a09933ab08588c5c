"""Fixtures of the SCIM door: an app with a cheap bcrypt, and an identity provider calling it."""

import pytest

from app.extensions.db import get_db
from tests.support import factories
from tests.support.apps import make_app
from tests.support.scim import caller


@pytest.fixture
def app():
    """An app on a fresh embedded database, hashing passwords at the cheapest cost."""
    app = make_app(BCRYPT_ROUNDS=4)
    with app.app_context():
        yield app


@pytest.fixture
def idp(client, db):
    """Okta, holding a SCIM token, on a database with Rocket.Chat's roles and an admin."""
    factories.insert_roles(db)
    factories.insert_permissions(db)
    factories.insert_user(db, roles=("admin", "user"), username="admin")
    return caller(client, get_db())
