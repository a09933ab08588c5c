"""The importer registry: what importers.list shows and how a key finds its importer."""

import pytest

from app import importers


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
