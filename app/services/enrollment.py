"""Enrollment tokens as Meteor's accounts-password makes them (generateResetToken with
`enrollAccount`), and the link Rocket.Chat's reset-password page takes them in."""

import secrets
from datetime import timedelta

# Meteor's Random.secret(): 43 characters, each drawn from these 64 (258 bits).
SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
SECRET_LENGTH = 43
# Meteor's passwordEnrollTokenExpirationInDays default, which Rocket.Chat keeps.
LIFETIME = timedelta(days=30)
# A token this close to its end is not mailed again: the person would have too little time.
_FRESH_ENOUGH = timedelta(days=1)


def new_secret():
    """Return a token of Random.secret()'s length, alphabet and strength."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def new_record(email, now):
    """Return `services.password.enroll` as Meteor writes it: {token, email, when, reason}."""
    return {"token": new_secret(), "email": email, "when": now, "reason": "enroll"}


def reusable(record, email, when, now):
    """Tell whether the user's token record is the one this invitation wrote (same `when`
    and address) and still fresh: a mail sent again then carries the same working link."""
    return (
        isinstance(record, dict)
        and when is not None
        and record.get("when") == when
        and record.get("email") == email
        and isinstance(record.get("token"), str)
        and now - when < LIFETIME - _FRESH_ENOUGH
    )


def link(site_url, token):
    """Return `<Site_Url>/reset-password/<token>`, as Meteor.absoluteUrl joins them."""
    return f"{site_url.rstrip('/')}/reset-password/{token}"
