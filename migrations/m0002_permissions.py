"""Seed the permissions and roles the routes check, only where they are missing."""

from app.models import permissions, roles

NAME = "seed run-import, view-import-operations and api-bypass-rate-limit"

# Rocket.Chat's defaults for the permissions these routes check.
PERMISSIONS = {
    "run-import": ["admin"],
    "view-import-operations": ["admin"],
    "api-bypass-rate-limit": ["admin", "bot", "app"],
}
ROLES = ("admin", "user", "bot", "app")


def up(db, now):
    """Insert each permission and role that has no document yet; change nothing else."""
    for permission, granted_to in PERMISSIONS.items():
        permissions.insert_missing(db, permission, granted_to, now)
    for role in ROLES:
        roles.insert_missing(db, role, "Users", now)
