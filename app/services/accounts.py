"""Rocket.Chat user documents built from staged records."""

import hashlib

METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
METEOR_ID_LENGTH = 17


def user_id_for(operation_id, record_id):
    """Return the 17-character Meteor id of the user a staged record becomes.

    It is derived from the operation and the record, so a run resumed after a crash
    recognizes the users it had already created instead of creating them twice.
    """
    number = int.from_bytes(hashlib.sha256(f"{operation_id}/{record_id}".encode()).digest())
    chars = []
    for _ in range(METEOR_ID_LENGTH):
        number, index = divmod(number, len(METEOR_ALPHABET))
        chars.append(METEOR_ALPHABET[index])
    return "".join(chars)


def new_user(user_id, data, who, bcrypt_hash, now):
    """Return the user document Rocket.Chat would create for staged data and its Identity."""
    user = {
        "_id": user_id,
        "createdAt": now,
        "_updatedAt": now,
        "type": data.get("type") or "user",
        "status": "offline",
        "active": not data.get("deleted"),
        "roles": list(data.get("roles") or []),
        "emails": [{"address": address, "verified": False} for address in who.emails],
        "importIds": who.import_ids,
        "services": {
            "password": {"bcrypt": bcrypt_hash},
            "email2fa": {"enabled": True, "changedAt": now},
        },
    }
    optional = {
        "username": who.username,
        "name": data.get("name"),
        "utcOffset": data.get("utcOffset"),
        "statusText": data.get("statusText"),
        "bio": data.get("bio"),
        "_pendingAvatarUrl": data.get("avatarUrl"),
    }
    user.update({key: value for key, value in optional.items() if value not in (None, "")})
    return user
