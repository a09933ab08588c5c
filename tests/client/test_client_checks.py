"""--dry-run's checks: import.addUsers' own validator and rules, with the field named."""

import pytest

from app.client.checks import check, identity_of
from app.client.sources import Record
from app.contract import rules
from app.services import imports

GOOD = {"emails": ["a@x.org"], "importIds": ["1"]}


@pytest.mark.parametrize(
    "user, problem",
    [
        ({"importIds": ["1"]}, "must have required property 'emails'"),
        ({"emails": ["a@x.org"]}, "must have required property 'importIds'"),
        ([GOOD], "must be object"),
        ("a@x.org", "must be object"),
        ({**GOOD, "emails": "a@x.org"}, "emails: must be array"),
        ({**GOOD, "emails": ["a@x.org", {"a": 1}]}, "emails[1]: must be string"),
        ({**GOOD, "utcOffset": "UTC+2"}, "utcOffset: must be number"),
        ({**GOOD, "deleted": "yes"}, "deleted: must be boolean"),
        ({**GOOD, "name": {}, "deleted": "yes"}, "name: must be string"),
        ({"emails": [], "importIds": ["1"]}, "Users are missing required data. (no emails)"),
        ({"emails": [""], "importIds": ["1"]}, "Users are missing required data. (no emails)"),
        ({**GOOD, "importIds": [""]}, "Users are missing required data. (no importIds)"),
        (
            {"emails": [], "importIds": []},
            "Users are missing required data. (no emails and no importIds)",
        ),
    ],
)
def test_a_problem_is_reported_as_import_add_users_words_it(user, problem):
    checked = check(Record(7, user))
    assert (checked.line, checked.user, checked.problem) == (7, None, problem)


@pytest.mark.parametrize(
    "user, loaded",
    [
        (GOOD, GOOD),
        (
            {**GOOD, "utcOffset": "-3", "deleted": "true"},
            {**GOOD, "utcOffset": -3, "deleted": True},
        ),
        ({**GOOD, "username": 42}, {**GOOD, "username": "42"}),
        ({**GOOD, "department": "R&D"}, GOOD),
        ({**GOOD, "name": None}, {**GOOD, "name": None}),
    ],
)
def test_a_good_user_is_loaded_with_the_servers_coercions(user, loaded):
    checked = check(Record(2, user))
    assert (checked.user, checked.problem) == (loaded, None)


def test_a_problem_of_the_line_itself_is_kept():
    assert check(Record(3, problem="3 values for 2 columns")).problem == "3 values for 2 columns"


def test_the_rule_is_the_services_own():
    # The dry run and import.addUsers share one function: no copy to drift apart.
    assert check.__globals__["missing_required_data"] is rules.missing_required_data
    assert imports.missing_required_data is rules.missing_required_data


def test_identity_is_username_emails_and_import_ids():
    user = {"username": "ann", "emails": ["a@x.org", "b@x.org"], "importIds": ["1"], "name": "A"}
    assert identity_of(user) == ("ann", ("a@x.org", "b@x.org"), ("1",))
    assert identity_of({**user, "username": ""}) == (None, ("a@x.org", "b@x.org"), ("1",))
