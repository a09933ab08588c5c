"""The users indexes leave Rocket.Chat's own start intact, whichever of the two came first.

MongoDB takes two indexes with the same keys, collation (its unset fields filled in) and
partial filter for one index: creating it again under another name, or with other options,
fails (IndexOptionsConflict, 85); another index under a taken name fails too (86). Neither
mongomock (it drops collations) nor SecantusDB (it compares them as written) applies that
rule, so `Catalog` below does, written from MongoDB's documentation, independently of the
service's code; the tests feed it what each side created.
"""

from collections.abc import Mapping

import mongomock
import pymongo
import pytest

from app.models import connection, migrations_log, users
from app.services import clock, migrations

CI = {"locale": "en", "strength": 2, "caseLevel": False}
# A Rocket.Chat 7.3.1 server's `users` indexes, as its models (and Meteor's accounts) create
# them, in order: the service must never make one of these fail.
ROCKETCHAT_USERS = [
    ([("username", 1)], {"unique": True, "sparse": True}),
    ([("emails.address", 1)], {"unique": True, "sparse": True}),
    ([("services.resume.loginTokens.hashedToken", 1)], {"unique": True, "sparse": True}),
    ([("services.resume.loginTokens.token", 1)], {"unique": True, "sparse": True}),
    ([("services.password.reset.token", 1)], {"unique": True, "sparse": True}),
    ([("services.email.verificationTokens.token", 1)], {"unique": True, "sparse": True}),
    ([("__rooms", 1)], {"sparse": True}),
    ([("roles", 1)], {"sparse": True}),
    ([("name", 1)], {}),
    ([("type", 1)], {}),
    ([("statusText", 1)], {}),
    ([("freeSwitchExtension", 1)], {"sparse": True, "unique": True}),
    ([("active", 1), ("services.email2fa.enabled", 1)], {"sparse": True}),
    ([("importIds", 1)], {"sparse": True}),
    (
        [("emails.address", 1)],
        {"unique": False, "sparse": True, "name": "emails.address_insensitive", "collation": CI},
    ),
    (
        [("username", 1)],
        {"unique": False, "sparse": True, "name": "username_insensitive", "collation": CI},
    ),
    (
        [("active", 1), ("lastLogin", 1)],
        {"partialFilterExpression": {"active": True, "lastLogin": {"$exists": True}}},
    ),
]
# What versions before m0016 created (m0001's declaration then).
LEGACY = [
    (
        [("username", 1)],
        {"collation": {"locale": "en", "strength": 2}, "name": "bulkimport_username_ci"},
    ),
    (
        [("emails.address", 1)],
        {"collation": {"locale": "en", "strength": 2}, "name": "bulkimport_emails_ci"},
    ),
]
COLLATION_DEFAULTS = {
    "caseLevel": False,
    "caseFirst": "off",
    "strength": 3,
    "numericOrdering": False,
    "alternate": "non-ignorable",
    "maxVariable": "punct",
    "normalization": False,
    "backwards": False,
}


class Refused(Exception):
    """What MongoDB would answer to a createIndexes: its code and message."""


class Catalog:
    """One collection's indexes under MongoDB's createIndexes rules."""

    def __init__(self, specs=()):
        self.by_name = {}
        for spec in specs:
            self.by_name[spec["name"]] = spec

    def create(self, keys, options):
        """Add an index as MongoDB would, or raise Refused as MongoDB would."""
        spec = {"key": dict(keys), **options}
        name = options.get("name") or "_".join(f"{k}_{d}" for k, d in keys)
        spec["name"] = name
        same_identity = [s for s in self.by_name.values() if same(s, spec)]
        if name in self.by_name:
            if (
                same_identity
                and same_identity[0]["name"] == name
                and options_of(self.by_name[name]) == options_of(spec)
            ):
                return  # the very same index: createIndexes does nothing
            raise Refused(f"86 IndexKeySpecsConflict: another index is named {name}")
        if same_identity:
            raise Refused(f"85 IndexOptionsConflict: {name} is {same_identity[0]['name']}")
        self.by_name[name] = spec


def same(one, other):
    return identity(one) == identity(other)


def identity(spec):
    collation = spec.get("collation")
    if collation and collation.get("locale") != "simple":
        full = {**COLLATION_DEFAULTS, **collation}
        full.pop("version", None)
        collation = sorted(full.items())
    else:
        collation = None
    keys = [(field, int(direction)) for field, direction in dict(spec["key"]).items()]
    return keys, collation, repr(plain(spec.get("partialFilterExpression")))


def plain(value):
    """The value with every mapping (a listing's SON) as a dict, order kept: BSON order counts."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


def options_of(spec):
    return (bool(spec.get("unique")), bool(spec.get("sparse")), spec.get("expireAfterSeconds"))


def listing(db):
    return [dict(index, key=dict(index["key"])) for index in db.users.list_indexes()]


def create_all(db, declared):
    for keys, options in declared:
        db.users.create_index(keys, **options)


def replayed(catalog, declared):
    """Create each index of `declared` in `catalog`; return the refusals, by index name."""
    refusals = {}
    for keys, options in declared:
        try:
            catalog.create(keys, options)
        except Refused as refusal:
            refusals[options.get("name") or keys[0][0]] = str(refusal)
    return refusals


def legacy_database(db):
    """A database migrated by a version before m0016: its two indexes, m0001..m0015 done."""
    create_all(db, LEGACY)
    for number, module in migrations.available():
        if number < 16:
            migrations_log.record(db, number, module.NAME, clock.now())


@pytest.fixture
def recorded(monkeypatch):
    """What the service asks mongomock to create on `users` (mongomock forgets collations)."""
    calls = []
    original = mongomock.collection.Collection.create_index

    def create_index(collection, keys, **options):
        if collection.name == "users":
            calls.append((list(keys), dict(options)))
        return original(collection, keys, **options)

    monkeypatch.setattr(mongomock.collection.Collection, "create_index", create_index)
    return calls


def test_the_case_insensitive_indexes_are_declared_as_rocket_chat_declares_them():
    ours = {options.get("name"): (keys, options) for keys, options in users.INDEXES}
    for keys, options in ROCKETCHAT_USERS:
        if options.get("name") and options["name"] in ours:
            assert ours[options["name"]] == (keys, options)
    assert {"username_insensitive", "emails.address_insensitive"} <= set(ours)


def test_mongomock_rocket_chat_first_then_the_service(recorded):
    db = connection.embedded()
    create_all(db, ROCKETCHAT_USERS)
    migrations.migrate(db)
    catalog = Catalog()
    assert replayed(catalog, recorded) == {}  # Rocket.Chat's, then ours: nothing refused
    assert replayed(catalog, ROCKETCHAT_USERS) == {}  # Rocket.Chat starting again
    assert not {"bulkimport_username_ci", "bulkimport_emails_ci"} & {i["name"] for i in listing(db)}


def test_mongomock_the_service_first_then_rocket_chat(recorded):
    db = connection.embedded()
    migrations.migrate(db)
    ours = list(recorded)
    create_all(db, ROCKETCHAT_USERS)
    catalog = Catalog()
    assert replayed(catalog, ours) == {}
    assert replayed(catalog, ROCKETCHAT_USERS) == {}


@pytest.fixture
def wire_db(wire_url):
    with pymongo.MongoClient(wire_url) as client:
        yield client.get_default_database()


@pytest.mark.wire
@pytest.mark.parametrize("service_first", [False, True], ids=["rocket-chat-first", "service-first"])
def test_wire_either_order_leaves_rocket_chats_start_intact(wire_db, service_first):
    if service_first:
        migrations.migrate(wire_db)
        create_all(wire_db, ROCKETCHAT_USERS)
    else:
        create_all(wire_db, ROCKETCHAT_USERS)
        migrations.migrate(wire_db)
    indexes = listing(wire_db)
    identities = [repr(identity(spec)) for spec in indexes]
    assert len(identities) == len(set(identities)), "two indexes MongoDB takes for one"
    assert replayed(Catalog(indexes), ROCKETCHAT_USERS) == {}  # Rocket.Chat starting again
    by_name = {spec["name"]: spec for spec in indexes}
    for name in ("username_insensitive", "emails.address_insensitive"):
        assert by_name[name]["sparse"] is True and by_name[name]["collation"]["strength"] == 2


def test_a_legacy_database_on_mongomock_gets_rocket_chats_indexes(recorded):
    db = connection.embedded()
    legacy_database(db)
    recorded.clear()
    assert 16 in migrations.migrate(db)
    names = {index["name"] for index in listing(db)}
    assert not {"bulkimport_username_ci", "bulkimport_emails_ci"} & names
    assert {
        "username_insensitive",
        "emails.address_insensitive",
        "bulkimport_importIds_ci",
    } <= names
    catalog = Catalog()
    assert replayed(catalog, recorded) == {}
    assert replayed(catalog, ROCKETCHAT_USERS) == {}


@pytest.mark.wire
def test_a_legacy_database_lets_rocket_chat_create_its_indexes_after_the_migration(wire_db):
    legacy_database(wire_db)
    before = Catalog(listing(wire_db))
    assert replayed(before, ROCKETCHAT_USERS[-3:-1])  # what made Rocket.Chat's start fail
    assert 16 in migrations.migrate(wire_db)
    assert replayed(Catalog(listing(wire_db)), ROCKETCHAT_USERS) == {}
    create_all(wire_db, ROCKETCHAT_USERS)  # and the wire server agrees


@pytest.mark.wire
def test_the_migration_never_drops_nor_changes_an_index_rocket_chat_created(wire_db):
    create_all(wire_db, ROCKETCHAT_USERS)
    legacy_database(wire_db)  # SecantusDB lets both exist; MongoDB 4.x-era databases could too
    rocket_chats = {s["name"]: s for s in listing(wire_db) if not s["name"].startswith("bulk")}
    migrations.migrate(wire_db)
    after = {spec["name"]: spec for spec in listing(wire_db)}
    for name, spec in rocket_chats.items():
        assert after[name] == spec
    assert not {"bulkimport_username_ci", "bulkimport_emails_ci"} & set(after)
