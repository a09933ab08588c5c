"""Facts that two places need are written once: these tests fail when a second copy drifts."""

import re
import subprocess
import sys
from pathlib import Path

from app.config import BY_NAME
from app.models import users
from app.schemas import sessions

ROOT = Path(__file__).resolve().parent.parent


def test_me_answers_exactly_the_user_fields_it_reads():
    # The projection and the schema are both built from users.PROFILE_FIELDS; a type
    # written for a field that is not in the list would never be answered.
    assert set(sessions._PROFILE_TYPES) == set(users.PROFILE_FIELDS)
    answered = [f.data_key or name for name, f in sessions.UserInfoOut().fields.items()]
    assert answered[1 : 1 + len(users.PROFILE_FIELDS)] == list(users.PROFILE_FIELDS)


def test_env_example_names_every_setting():
    text = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))
    assert set(BY_NAME) - named == set()


def test_the_settings_page_and_env_example_are_generated_from_the_settings():
    # Both are written by tools/settings_doc.py from app/config.py's SETTINGS.
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "settings_doc.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_every_module_path_the_code_and_docs_name_exists():
    texts = [ROOT / "README.md", *ROOT.glob("ARCHITECTURE.md"), *ROOT.glob("docs/*.md")]
    texts += [
        p
        for folder in ("app", "migrations", "tests", "bench")
        for p in (ROOT / folder).rglob("*.py")
    ]
    named = {
        (text.name, path)
        for text in texts
        for path in re.findall(r"\b((?:app|migrations|tests|bench)/[\w/]+\.py)\b", text.read_text())
    }
    assert sorted((where, path) for where, path in named if not (ROOT / path).exists()) == []
