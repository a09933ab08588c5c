"""Create the indexes of the invitations' collections (bulkimport_invitations, _jobs)."""

from app.models import indexes, invitation_jobs, invitations

NAME = "create the indexes of the invitations"


def up(db, now):
    """Ensure each declared index (never replacing or dropping an existing one)."""
    indexes.ensure_declared(db, invitations.COLLECTION, invitations.INDEXES)
    indexes.ensure_declared(db, invitation_jobs.COLLECTION, invitation_jobs.INDEXES)
