"""Apply the numbered migrations of the `migrations` package, each once."""

import importlib
import logging
import pkgutil
import re

import migrations as package
from app.models import migrations_log
from app.services import clock

log = logging.getLogger(__name__)

_MODULE = re.compile(r"^m(\d{4})_\w+$")


def available():
    """Return [(number, module)] of every migration, in order."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        match = _MODULE.match(info.name)
        if match:
            found.append((int(match.group(1)), importlib.import_module(f"migrations.{info.name}")))
    return sorted(found, key=lambda pair: pair[0])


def pending(db):
    """Return the migrations not applied yet, in order."""
    done = migrations_log.applied(db)
    return [(number, module) for number, module in available() if number not in done]


def migrate(db):
    """Apply every pending migration in order; return the numbers applied."""
    applied = []
    for number, module in pending(db):
        log.info("applying migration %04d: %s", number, module.NAME)
        module.up(db, clock.now())
        migrations_log.record(db, number, module.NAME, clock.now())
        applied.append(number)
    return applied
