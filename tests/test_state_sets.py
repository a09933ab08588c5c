"""Every set of statuses or states is spelled once, in app/contract/states.py."""

import ast
from pathlib import Path

from app.contract import states

APP = Path(__file__).resolve().parent.parent / "app"
WORDS = set(states.STATE_OF_STATUS) | set(states.REPORTED_STATES)


def _literal_sets(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1:
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) == len(node.elts) and len(WORDS.intersection(values)) > 1:
                yield node.lineno, values


def test_no_module_but_states_spells_a_set_of_statuses_or_states():
    found = [
        f"{path.relative_to(APP)}:{line} {values}"
        for path in sorted(APP.rglob("*.py"))
        if path != APP / "contract" / "states.py"
        for line, values in _literal_sets(path)
    ]
    assert found == []


def test_every_reported_state_but_none_comes_from_a_status():
    assert set(states.REPORTED_STATES) - {"none"} == set(states.STATE_OF_STATUS.values())
    assert set(states.FINISHED_STATES) | set(states.BUSY_STATES) < set(states.REPORTED_STATES)
