"""The rules the server and the importer share: one set, spelled once in app/contract/rules.py."""

from app.client import sources
from app.contract import rules
from app.schemas.imports import UserIn


def test_user_in_has_exactly_the_shared_user_fields():
    assert tuple(UserIn().fields) == rules.USER_FIELDS


def test_every_importer_column_names_a_user_field():
    assert set(sources.COLUMNS.values()) <= set(rules.USER_FIELDS)
    assert set(sources.LIST_FIELDS) <= set(rules.USER_FIELDS)
    assert set(rules.REQUIRED_LISTS) <= set(sources.LIST_FIELDS)


def test_the_missing_data_rule_needs_a_non_empty_string_in_each_required_list():
    assert rules.missing_required_data({"emails": ["a@x.org"], "importIds": ["1"]}) == []
    assert rules.missing_required_data({"emails": ["", None], "importIds": []}) == [
        "emails",
        "importIds",
    ]
    assert rules.missing_required_data({"emails": ["a@x.org"]}) == ["importIds"]
