"""A SCIM User as read by its schema, reduced to what Rocket.Chat keeps: the `fields` the
SCIM users service takes (userName, externalId, name, emails, active, password)."""

_PARTS = ("givenName", "middleName", "familyName")


def fields_of(loaded, touched=()):
    """Return the fields of a loaded UserIn; `touched` (PATCH) names the attributes changed,
    so that a new given or family name is not hidden by the display name it replaces."""
    return {
        "userName": loaded["userName"],
        "externalId": loaded.get("externalId") or None,
        "name": name_of(loaded, touched),
        "nameParts": {p: v for p in _PARTS if (v := (loaded.get("name") or {}).get(p))},
        "emails": emails_of(loaded.get("emails") or []),
        "primaryEmail": any(e.get("primary") for e in loaded.get("emails") or []),
        "active": loaded.get("active"),  # None: not stated (a new user is active)
        "password": loaded.get("password") or None,
    }


def name_of(loaded, touched=()):
    """Return Rocket.Chat's one name: displayName, else name.formatted, else the parts
    joined; the attribute a PATCH changed comes first."""
    name = loaded.get("name") or {}
    joined = " ".join(str(name[p]).strip() for p in _PARTS if name.get(p))
    display, formatted = loaded.get("displayName"), name.get("formatted")
    touched = set(touched)
    if "displayname" in touched:
        order = [display]
    elif {"name", "name.formatted"} & touched:
        order = [formatted, joined]
    elif {"name.givenname", "name.familyname", "name.middlename"} & touched:
        order = [joined, formatted]
    else:
        order = [display, formatted, joined]
    return next((str(n).strip() for n in order if n and str(n).strip()), None)


def emails_of(emails):
    """Return the addresses, the primary one first, each once whatever its case."""
    ordered = sorted(emails, key=lambda e: not e.get("primary"))
    seen, addresses = set(), []
    for email in ordered:
        address = email["value"].strip()
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            addresses.append(address)
    return addresses
