"""Property tests: the addUsers validator accepts exactly what the contract's schema accepts.

Three oracles, each independent of app/schemas/ajv.py:
- the contract's JSON schema with a strict validator (jsonschema, no coercion);
- the same schema after AJV's published coercion table, written out here as a table;
- AJV 8 itself (tools/ajv-golden/oracle.js), when Node and its npm install are present.
"""

import json
import math
import shutil
import subprocess

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.schemas import ajv
from app.schemas.imports import AddUsersBody
from tests.support.paths import GOLDEN, ROOT

SCHEMA = json.loads((GOLDEN / "addusers_schema.json").read_text())
ORACLE = ROOT / "tools" / "ajv-golden"
USER = SCHEMA["properties"]["users"]["items"]
KNOWN = list(USER["properties"])


def with_nullable(node):
    """The schema as plain JSON Schema: `nullable` becomes a union with null."""
    if isinstance(node, dict):
        converted = {k: with_nullable(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable"):
            converted["type"] = [node["type"], "null"]
        return converted
    return node


STRICT = jsonschema.Draft7Validator(with_nullable(SCHEMA))

TRICKY = [
    "",
    " ",
    " 3 ",
    "true",
    "false",
    "True",
    "0x1f",
    "1e3",
    "-2.5",
    ".5",
    "yes",
    "null",
    "0",
    "1",
    "NaN",
    "Infinity",
    "1_0",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from([0, 1, 2, -1, 0.5, 1.0]),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
    st.sampled_from(TRICKY),
    st.sampled_from(TRICKY),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=6,
)
NEAR = {  # values close to what each type accepts, so that one bad value decides
    "string": scalars,
    "number": st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.sampled_from(TRICKY),
        st.booleans(),
        st.none(),
    ),
    "boolean": st.one_of(
        st.booleans(), st.none(), st.sampled_from(TRICKY), st.sampled_from([0, 1, 2, 0.0, 1.0, -1])
    ),
    "array": st.lists(scalars, max_size=3),
}


def field_values(key):
    """Values for one user key: mostly near its type, sometimes anything at all."""
    near = NEAR[USER["properties"][key]["type"]] if key in USER["properties"] else values
    return st.one_of(near, near, near, values)


OPTIONAL = [key for key in KNOWN if key not in USER["required"]]


@st.composite
def users(draw):
    """A user close to valid: the required arrays usually there, a few other keys."""
    user = {key: draw(field_values(key)) for key in USER["required"]}
    for key in [*OPTIONAL, "extra"]:
        if draw(st.integers(0, 3)) == 0:
            user[key] = draw(field_values(key))
    if draw(st.integers(0, 9)) == 0:
        user.pop(draw(st.sampled_from(USER["required"])))
    return user


bodies = st.one_of(
    st.fixed_dictionaries({"users": st.lists(users(), max_size=3)}),
    st.fixed_dictionaries({"users": st.lists(users(), max_size=3)}, optional={"other": values}),
    st.fixed_dictionaries({"users": st.lists(st.one_of(users(), values), max_size=3)}),
    st.fixed_dictionaries({}, optional={"users": values}),
    values,
)


def ours(body):
    """(valid, loaded or error) from our validator."""
    try:
        return True, ajv.require_valid(AddUsersBody(), body)
    except ValueError as error:
        return False, str(error)


def known_only(body):
    return {"users": [{k: v for k, v in u.items() if k in KNOWN} for u in body["users"]]}


@settings(max_examples=300, suppress_health_check=list(HealthCheck))
@given(bodies)
def test_what_the_strict_schema_accepts_we_accept_unchanged(body):
    if STRICT.is_valid(body):
        valid, loaded = ours(body)
        assert valid, loaded
        assert loaded == known_only(body)


@settings(max_examples=300, suppress_health_check=list(HealthCheck))
@given(bodies)
def test_what_we_accept_conforms_to_the_schema_once_coerced(body):
    valid, loaded = ours(body)
    if valid:
        assert STRICT.is_valid(loaded), loaded


# AJV's coercion table (ajv.js.org/coercion.html), for scalar types.
def _to_string(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int | float):
        return ajv.js_number_to_string(x)
    return "" if x is None else _FAIL


def _to_number(x):
    if isinstance(x, bool) or x is None:
        return int(bool(x))
    if isinstance(x, str) and x != "":
        number = ajv.js_string_to_number(x)
        return _FAIL if number is None else number
    return _FAIL


def _to_boolean(x):
    table = {"true": True, "false": False}
    if isinstance(x, str):
        return table.get(x, _FAIL)
    if isinstance(x, int | float) and x in (0, 1):
        return bool(x)
    return False if x is None else _FAIL


_FAIL = object()
_TYPES = {
    "string": (str, _to_string),
    "number": ((int, float), _to_number),
    "boolean": (bool, _to_boolean),
}


def table_coerce(value, node):
    """Coerce value as AJV would under node; return _FAIL where AJV reports an error."""
    kind = node["type"]
    if value is None and node.get("nullable"):
        return None
    if kind == "object":
        if not isinstance(value, dict) or any(k not in value for k in node.get("required", [])):
            return _FAIL
        out = dict(value)
        for key, child in node.get("properties", {}).items():
            if key in value:
                out[key] = table_coerce(value[key], child)
                if out[key] is _FAIL:
                    return _FAIL
        return out
    if kind == "array":
        if not isinstance(value, list):
            return _null_or_fail(value, node)
        items = [table_coerce(v, node["items"]) for v in value]
        return _FAIL if any(i is _FAIL for i in items) else items
    python_type, convert = _TYPES[kind]
    if isinstance(value, python_type) and not (kind == "number" and isinstance(value, bool)):
        return value
    coerced = convert(value) if not isinstance(value, list | dict) else _FAIL
    return _null_or_fail(value, node) if coerced is _FAIL else coerced


def _null_or_fail(value, node):
    # The table's last row: a nullable type takes "", 0 and false as null.
    scalar = not isinstance(value, list | dict)
    if node.get("nullable") and scalar and (value == "" or value is False or value == 0):
        return None
    return _FAIL


def table_accepts(body):
    if not isinstance(body, dict) or "users" not in body or set(body) - {"users"}:
        return False
    return table_coerce(body["users"], SCHEMA["properties"]["users"]) is not _FAIL


@settings(max_examples=500, suppress_health_check=list(HealthCheck))
@given(bodies)
def test_we_accept_exactly_what_ajv_coercion_accepts(body):
    valid, detail = ours(body)
    assert valid == table_accepts(body), detail


class AjvOracle:
    """AJV 8 itself, as a long-lived Node process answering one body per line."""

    def __init__(self):
        self.process = subprocess.Popen(
            [shutil.which("node"), str(ORACLE / "oracle.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, body):
        self.process.stdin.write(json.dumps(body) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(10)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def real_ajv():
    if not (shutil.which("node") and (ORACLE / "node_modules" / "ajv").is_dir()):
        pytest.skip("AJV oracle not installed: npm ci --prefix tools/ajv-golden")
    oracle = AjvOracle()
    yield oracle
    oracle.close()


def as_js(value):
    """Value as JavaScript sees it: every number a double, non-finite ones null in JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        return {k: as_js(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_js(v) for v in value]
    return value


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(body=bodies)
def test_we_answer_as_the_real_ajv_does(real_ajv, body):
    answer = real_ajv.ask(body)
    valid, detail = ours(body)
    assert valid == answer["valid"], (answer, detail)
    if valid:
        assert as_js(detail) == as_js(known_only(answer["coerced"]))
    else:
        assert detail == answer["error"]
