"""The addUsers body validator against 240+ answers of AJV 8 with Rocket.Chat's schema.

tests/golden/addusers_ajv.json was produced by tools/ajv-golden/generate.js from
tests/golden/addusers_inputs.json; each case is what the real validator says.
"""

import json
import math

import pytest

from app.schemas import ajv
from app.schemas.imports import AddUsersBody
from tests.support import paths

GOLDEN = json.loads((paths.GOLDEN / "addusers_ajv.json").read_text())
SCHEMA = json.loads((paths.GOLDEN / "addusers_schema.json").read_text())
# The published validator's user properties; customFields and voipExtension are ours to check.
PUBLISHED = set(SCHEMA["properties"]["users"]["items"]["properties"])


def as_js_json(value):
    """What JSON.stringify writes: non-finite numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: as_js_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_js_json(v) for v in value]
    return value


def known_keys_only(body):
    """AJV keeps unknown user keys; our schema accepts and drops them."""
    return {"users": [{k: v for k, v in u.items() if k in PUBLISHED} for u in body["users"]]}


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: json.dumps(c["input"])[:80])
def test_validator_matches_ajv(case):
    if case["valid"]:
        loaded = ajv.require_valid(AddUsersBody(), case["input"])
        assert as_js_json(known_keys_only(loaded)) == known_keys_only(case["coerced"])
    else:
        with pytest.raises(ValueError) as raised:
            ajv.require_valid(AddUsersBody(), case["input"])
        assert str(raised.value) == case["error"]


def test_golden_file_covers_every_kind_of_answer():
    errors = {c["error"] for c in GOLDEN if not c["valid"]}
    assert errors == {
        "must be object",
        "must be array",
        "must be string",
        "must be number",
        "must be boolean",
        "must have required property 'users'",
        "must have required property 'emails'",
        "must have required property 'importIds'",
        "must NOT have additional properties",
    }
    assert sum(c["valid"] for c in GOLDEN) > 100


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (123e-20, "1.23e-18"),
        (-0.0, "0"),
        (100.0, "100"),
        (1.5e300, "1.5e+300"),
        (2**53, "9007199254740992"),
        (0.000001, "0.000001"),
    ],
)
def test_js_number_to_string(number, text):
    assert ajv.js_number_to_string(number) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        (" 3 ", 3),
        ("", 0),
        ("0x1F", 31),
        ("-0x1F", None),
        ("1e3", 1000),
        (".5", 0.5),
        ("5.", 5),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("NaN", None),
        ("1_0", None),
        ("\u00a012\ufeff", 12),
        ("0b2", None),
    ],
)
def test_js_string_to_number(text, number):
    assert ajv.js_string_to_number(text) == number
