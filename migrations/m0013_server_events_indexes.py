"""Create Rocket.Chat's indexes of rocketchat_server_events, which login protection counts."""

from app.models import indexes, server_events

NAME = "create the indexes of rocketchat_server_events"


def up(db, now):
    """Ensure Rocket.Chat's two indexes (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, server_events.COLLECTION, server_events.INDEXES)
