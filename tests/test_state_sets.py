"""Every set of statuses or states is spelled once, in app/contract/states.py (the console's
JavaScript reads it from contract.js, generated from that module)."""

import ast
import re
from pathlib import Path

from app.console import STATIC_DIR
from app.contract import states

APP = Path(__file__).resolve().parent.parent / "app"
WORDS = set(states.STATE_OF_STATUS) | set(states.REPORTED_STATES)
# The one spelling, and the module generated from it.
HOMES = {APP / "contract" / "states.py", STATIC_DIR / "contract.js"}
# A JavaScript array of two or more string literals (a Set is built from one).
_STRING = r"""(?:"[^"\n]*"|'[^'\n]*')"""
_JS_ARRAY = re.compile(rf"\[\s*{_STRING}(?:\s*,\s*{_STRING})+\s*,?\s*\]")


def _literal_sets(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1:
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) == len(node.elts) and len(WORDS.intersection(values)) > 1:
                yield node.lineno, values


def _js_literal_sets(path):
    text = path.read_text(encoding="utf-8")
    for match in _JS_ARRAY.finditer(text):
        values = [v[1:-1] for v in re.findall(_STRING, match.group())]
        if len(WORDS.intersection(values)) > 1:
            yield text.count("\n", 0, match.start()) + 1, values


def _spelled(paths, literal_sets):
    return [
        f"{path.relative_to(APP)}:{line} {values}"
        for path in sorted(paths)
        if path not in HOMES
        for line, values in literal_sets(path)
    ]


def test_no_module_but_states_spells_a_set_of_statuses_or_states():
    assert _spelled(APP.rglob("*.py"), _literal_sets) == []


def test_no_console_script_spells_a_set_of_statuses_or_states():
    assert _spelled(STATIC_DIR.glob("*.js"), _js_literal_sets) == []


def test_every_reported_state_but_none_comes_from_a_status():
    assert set(states.REPORTED_STATES) - {"none"} == set(states.STATE_OF_STATUS.values())
    assert set(states.FINISHED_STATES) | set(states.BUSY_STATES) < set(states.REPORTED_STATES)
