"""A file that is not UTF-8: the command-line reader names the exact line and column of the
first bad byte, with the advice the server's importers give, wherever the byte falls."""

import importlib.util
import json

import pytest
from click.testing import CliRunner

from app.client.main import main
from app.client.sources import InputError, Source
from app.client.utf8 import first_bad_byte
from tests.support import paths

GOLDEN = json.loads((paths.GOLDEN / "not-utf8.json").read_text())
ADVICE = (
    "(the file looks saved as Latin-1 or Windows-1252); save it as UTF-8"
    " (in Excel: Save As, 'CSV UTF-8 (Comma delimited)') and upload it again"
)


def _tool():
    # The recipes' builder lives in the tool that writes the golden the console is held to.
    path = paths.ROOT / "tools" / "console_contract.py"
    spec = importlib.util.spec_from_file_location("console_contract", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


def written(tmp_path, case):
    path = tmp_path / "users.csv"
    path.write_bytes(TOOL.recipe_bytes(case))
    return path


def refusal(path):
    with pytest.raises(InputError) as raised:
        list(Source(path).records())
    return raised.value


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda case: case["name"])
def test_the_first_bad_byte_is_reported_on_its_line_and_column(tmp_path, case):
    error = refusal(written(tmp_path, case))
    # A good two-byte character before the bad byte is one column.
    column = case["at"] + (2 if case["insert"] == "c3a9e9" else 1)
    byte = case["insert"][-2:]
    assert error.line == case["line"]
    assert (
        str(error) == f"line {case['line']}: byte 0x{byte} at column {column} is not UTF-8 {ADVICE}"
    )


@pytest.mark.parametrize("boundary", [8192, 65536])
def test_the_straddling_recipes_put_a_lead_byte_last_before_the_boundary(boundary):
    (case,) = [c for c in GOLDEN["cases"] if c["name"] == f"straddling {boundary}"]
    data = TOOL.recipe_bytes(case)
    assert data[boundary - 1] == 0xC3 and data[boundary] < 0x80


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xef\xbb\xbfab\xe9\n", (1, 3, 0xE9)),  # a byte-order mark is no column
        (b"a\r\nb\rc\nd\xff\n", (4, 2, 0xFF)),  # \r\n, a lone \r and \n each end a line
        (b"ab\xc3", (1, 3, 0xC3)),  # cut in the middle of a character at the end
        (b"fine\n", None),
    ],
)
def test_line_ends_and_a_bom_are_counted_as_the_reader_counts_them(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert first_bad_byte(path) == expected


def test_the_command_says_where_and_sends_nothing(tmp_path):
    case = next(c for c in GOLDEN["cases"] if c["name"] == "line 451")
    path = written(tmp_path, case)
    result = CliRunner().invoke(main, ["--dry-run", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path}: line 451: byte 0xe9 at column 4 is not UTF-8 {ADVICE}; nothing was sent\n"
    )
