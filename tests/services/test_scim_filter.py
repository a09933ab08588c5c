"""SCIM filters as identity providers send them, parsed without ever becoming a query."""

import pytest

from app.services.scim_filter import FilterError, parse


@pytest.mark.parametrize(
    "text, tree",
    [
        ('userName eq "a@b.c"', ("eq", "userName", "a@b.c")),
        ('USERNAME EQ "x"', ("eq", "userName", "x")),
        ('externalId eq "0a21"', ("eq", "externalId", "0a21")),
        ('emails[type eq "work"].value eq "a@b"', ("eq", "emails", "a@b")),
        ('emails[type eq "home"].value eq "a@b"', ("eq", "emails:none", "a@b")),
        ("active eq false", ("eq", "active", False)),
        ('id eq "abc"', ("eq", "id", "abc")),
        ('userName eq "a \\"q\\""', ("eq", "userName", 'a "q"')),
        (
            'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
            ("eq", "userName", "x"),
        ),
        (
            '(userName eq "a" or userName eq "b") and active eq true',
            (
                "and",
                [
                    ("or", [("eq", "userName", "a"), ("eq", "userName", "b")]),
                    ("eq", "active", True),
                ],
            ),
        ),
    ],
)
def test_a_supported_filter_is_a_tree_of_equalities(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, says",
    [
        ('userName sw "a"', "not supported"),
        ('userName zz "a"', "not a filter operator"),
        ('password eq "x"', "cannot filter on"),
        ('userName eq "a', "cannot read"),
        ('userName eq "a" and', "ends too early"),
        ("(active eq true", "not closed"),
        ("userName eq 12", "not a filter value"),
        ('active eq "maybe"', "true or false"),
        ('emails[value eq "x"] eq "y"', "type eq"),
        ('emails[type eq "work"].display eq "y"', "only .value"),
        (" or ".join(['id eq "x"'] * 21), "more than 20"),
        ("x" * 1001, "longer than"),
        ('userName eq "\\q"', "not a valid quoted string"),
    ],
)
def test_anything_else_is_refused_saying_why(text, says):
    with pytest.raises(FilterError, match=says):
        parse(text)
