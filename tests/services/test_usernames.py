"""A valid, free Rocket.Chat username for what an identity provider calls a user."""

import re

import pytest

from app.services import usernames
from tests.support import factories

DEFAULT = re.compile(f"(?:{usernames.DEFAULT_PATTERN})")


@pytest.mark.parametrize(
    "wanted, base",
    [
        ("jane.doe", "jane.doe"),
        ("Jane.Doe@contoso.onmicrosoft.com", "Jane.Doe"),
        ("José Núñez", "Jose.Nunez"),
        ("o'brien+test@example.com", "o.brien.test"),
        ("李@example.com", "user"),
        ("", "user"),
    ],
)
def test_the_base_is_the_name_its_local_part_or_its_slug(wanted, base):
    assert usernames.base_of(wanted, DEFAULT) == base


def test_a_held_username_is_numbered_ignoring_case(db):
    factories.insert_user(db, username="Jane.Doe")
    factories.insert_user(db, username="jane.doe-1")
    assert usernames.free_username(db, "jane.doe@example.com") == "jane.doe-2"


def test_mentions_are_never_handed_out(db):
    assert usernames.free_username(db, "all@example.com") == "all-1"


def test_the_databases_own_rule_is_followed(db):
    db.rocketchat_settings.insert_one({"_id": usernames.SETTING, "value": "[a-z]+"})
    assert usernames.free_username(db, "Jane@example.com") == "jane"
    assert usernames.free_username(db, "Jane Doe") == "janedoe"
    assert usernames.free_username(db, "李") == "user"


def test_a_rule_python_cannot_read_falls_back_to_rocketchats_default(db):
    db.rocketchat_settings.insert_one({"_id": usernames.SETTING, "value": "[a-z"})
    assert usernames.free_username(db, "jane doe") == "jane.doe"
