"""Where the tests find the project, their recorded answers (golden/) and their data files,
wherever in tests/ the module asking lives."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"  # answers recorded from the contract and from AJV 8
DATA = TESTS / "data"  # input files, and vendored axe-core
