"""Which database of a dump is Rocket.Chat's: the one with `users` and `rocketchat_settings`."""

from app.dumps.errors import DumpError
from app.dumps.mongoexport import MongoexportDump

ROCKETCHAT_COLLECTIONS = ("users", "rocketchat_settings")


def rocketchat_database(dump, wanted=None):
    """Return the name of the database to load: wanted if the dump has it, else the only
    one that looks like Rocket.Chat's (`rocketchat`, snap's `parties`, `meteor`, any)."""
    databases = dump.databases()
    if wanted:
        if wanted not in databases:
            raise DumpError(
                f"{dump.path}: no database {wanted!r} in this {dump.kind}; it holds: "
                f"{_listing(databases)}"
            )
        return wanted
    if isinstance(dump, MongoexportDump):
        return next(iter(databases))  # one folder, one database, whatever it holds
    found = [name for name, collections in databases.items() if _looks_like(collections)]
    if len(found) == 1:
        return found[0]
    if found:
        raise DumpError(
            f"{dump.path}: several Rocket.Chat databases in this {dump.kind}: "
            f"{', '.join(sorted(found))}; choose one with --db NAME"
        )
    raise DumpError(
        f"{dump.path}: no Rocket.Chat database (one with {' and '.join(ROCKETCHAT_COLLECTIONS)})"
        f" in this {dump.kind}; it holds: {_listing(databases)}"
    )


def _looks_like(collections):
    return all(name in collections for name in ROCKETCHAT_COLLECTIONS)


def _listing(databases):
    if not databases:
        return "no database at all"
    return "; ".join(
        f"{name} ({', '.join(sorted(collections)[:4]) or 'no collections'}"
        f"{', ...' if len(collections) > 4 else ''})"
        for name, collections in sorted(databases.items())
    )
