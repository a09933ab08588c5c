"""The README and docs/ stay short, linked and true: what they name exists."""

import re
import tomllib
from pathlib import Path

import click
import pytest

from app.client.invite_command import invite_command
from app.client.main import main as users_command
from app.serving.cli import main as server_command

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, ROOT / "ARCHITECTURE.md", *DOCS]

# A path into the repository: from one of its top folders, not inside a URL or a longer path
# (under docs/ only a file name, so that "docs/s", documents per second, is no path).
_REPO_PATH = re.compile(
    r"(?<![\w/.:-])((?:app|tests|bench|tools|migrations|\.ci)/[\w./-]*[\w/]|docs/[\w-]+\.\w+)"
)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```")


def _name(doc):
    return doc.relative_to(ROOT).as_posix()


def _prose(text):
    """Return the lines of text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _anchors(doc):
    """Return the anchors GitHub gives the headings of doc."""
    seen, anchors = {}, set()
    for line in _prose(doc.read_text()):
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(f"{slug}-{count}" if count else slug)
    return anchors


def test_the_readme_stays_under_250_lines():
    assert len(README.read_text().splitlines()) < 250


def test_every_docs_page_is_linked_from_the_readme():
    linked = {target.partition("#")[0] for target in _LINK.findall(README.read_text())}
    assert sorted(_name(doc) for doc in DOCS if _name(doc) not in linked) == []


@pytest.mark.parametrize("doc", PAGES, ids=_name)
def test_every_relative_link_and_anchor_resolves(doc):
    broken = []
    for target in _LINK.findall(doc.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not ours to check
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("doc", PAGES, ids=_name)
def test_every_repository_path_a_doc_names_exists(doc):
    named = set(_REPO_PATH.findall(doc.read_text()))
    assert sorted(path for path in named if not (ROOT / path).exists()) == []


def _command_lines(text, program):
    """Yield what follows `program` on each line that runs it, up to a comment or a backtick."""
    for match in re.finditer(rf"(?<![\w-]){re.escape(program)}((?: +[^\s`#|]+)*)", text):
        yield match.group(1).split()


def _options(command):
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def _named_options(words):
    return {
        word.strip("[]").partition("=")[0] for word in words if word.strip("[").startswith("--")
    }


def _server_command(words):
    """Return the bulk-import-server command the words name, and the words after it."""
    command, rest = server_command, list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        name = rest.pop(0)
        assert name in command.commands, f"bulk-import-server has no command {name!r}"
        command = command.commands[name]
    return command, rest


@pytest.mark.parametrize("doc", PAGES, ids=_name)
def test_every_server_command_and_option_a_doc_names_exists(doc):
    unknown = []
    for words in _command_lines(doc.read_text(), "bulk-import-server"):
        command, rest = _server_command(words)
        unknown += sorted(_named_options(rest) - _options(command) - {"--help"})
    assert unknown == []


@pytest.mark.parametrize("doc", PAGES, ids=_name)
def test_every_importer_option_a_doc_names_exists(doc):
    unknown = set()
    for words in _command_lines(doc.read_text(), "bulk-import-users"):
        # `bulk-import-users invite ...` is a command of its own (app/client/invite_command).
        command = invite_command if words[:1] == ["invite"] else users_command
        unknown |= _named_options(words) - _options(command) - {"--help"}
    assert sorted(unknown) == []


def test_every_option_the_cli_page_names_belongs_to_a_command():
    commands = [users_command, invite_command, *server_command.commands.values()]
    for group in ("token", "scim-token"):
        commands += server_command.commands[group].commands.values()
    known = set().union(*(_options(command) for command in commands)) | {"--help"}
    named = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", (ROOT / "docs" / "cli.md").read_text()))
    assert sorted(named - known) == []


def _rule_text(rule):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)


def test_every_route_the_app_serves_is_in_the_api_page_with_an_example(app):
    text = (ROOT / "docs" / "api.md").read_text()
    calls = "\n".join(line for line in text.splitlines() if line.startswith("curl "))
    calls = calls.replace("$API", "http://127.0.0.1:3000/api/v1")
    missing = []
    for rule in app.url_map.iter_rules():
        path = _rule_text(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if f"`{method} {path}`" not in text:
                missing.append(f"{method} {path}: not listed")
        url = re.escape("http://127.0.0.1:3000" + path.partition("<")[0])
        example = url + (r"[\w.-]+" if "<" in path else r"(?=[\s'\"?]|$)")
        if not re.search(example, calls, re.MULTILINE):
            missing.append(f"{path}: no curl example")
    assert missing == []


def _ci_test_command():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return lines[lines.index("# The README's test command:") + 1].strip()


def _shell_blocks(text):
    return [block.strip() for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)]


def test_the_readme_test_command_is_what_ci_runs():
    assert _ci_test_command() in _shell_blocks(README.read_text())


def test_the_readme_quick_loop_leaves_out_the_tests_that_start_servers():
    loops = [b for b in _shell_blocks(README.read_text()) if b.startswith("pytest -m")]
    assert loops == ['pytest -m "not wire and not browser"']


@pytest.mark.parametrize("doc", PAGES, ids=_name)
def test_every_marker_a_doc_selects_is_registered(doc):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    markers = {
        line.partition(":")[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]
    }
    expressions = re.findall(r"pytest -m (\"[^\"]*\"|'[^']*'|\w+)", doc.read_text())
    named = {word for e in expressions for word in re.findall(r"\w+", e)} - {"and", "or", "not"}
    assert sorted(named - markers) == []
