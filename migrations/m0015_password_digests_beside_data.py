"""Move staged password digests out of `data`, where Rocket.Chat's own run would read them."""

from app.models import staging

NAME = "keep staged password digests beside the record's data"


def up(db, now):
    """Move each `data.password` {digest, algorithm} to `_passwordDigest` (Rocket.Chat's own
    staged passwords, plain strings, are left to Rocket.Chat)."""
    for record in staging.legacy_password_records(db):
        password = record["data"]["password"]
        if isinstance(password, dict) and isinstance(password.get("digest"), str):
            staging.move_password_digest(db, record["_id"], password["digest"])
