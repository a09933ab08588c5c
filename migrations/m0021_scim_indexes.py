"""Create the indexes of the SCIM door's collections (bulkimport_scim_tokens, _users)."""

from app.models import indexes, scim_tokens, scim_users

NAME = "create the indexes of the SCIM tokens and users"


def up(db, now):
    """Ensure each declared index (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, scim_tokens.COLLECTION, scim_tokens.INDEXES)
    indexes.ensure_declared(db, scim_users.COLLECTION, scim_users.INDEXES)
