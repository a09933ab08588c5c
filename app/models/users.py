"""The `users` collection."""

COLLECTION = "users"

# What the auth hook needs of the caller; never the services (passwords, tokens).
_AUTH_PROJECTION = {"_id": 1, "username": 1, "roles": 1, "active": 1}


def find_by_hashed_token(db, user_id, hashed_token):
    """Return the user with this id holding this hashed login or personal access token."""
    query = {"_id": user_id, "services.resume.loginTokens.hashedToken": hashed_token}
    return db[COLLECTION].find_one(query, _AUTH_PROJECTION)
