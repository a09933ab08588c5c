"""Give Rocket.Chat's case-insensitive users indexes the names and options Rocket.Chat 7.x
gives them, so that a Rocket.Chat started on this database can create its own indexes."""

from app.models import indexes, users

NAME = "create Rocket.Chat's users indexes as Rocket.Chat 7.x does"


def up(db, now):
    """Drop the two indexes older versions created under their own names (ours: nothing
    else ever drops an index), then ensure the users indexes as Rocket.Chat declares them."""
    for name in users.LEGACY_INDEX_NAMES:
        indexes.drop_if_present(db, users.COLLECTION, name)
    indexes.ensure_declared(db, users.COLLECTION, users.INDEXES)
