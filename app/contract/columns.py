"""The columns of a users file, as the importer and the console read it: a CSV with a
header row, or Rocket.Chat's own header-less users.csv.
"""

# Header names (compared without case, spaces, dashes or underscores) -> user fields.
COLUMNS = {
    "username": "username",
    "email": "emails",
    "emails": "emails",
    "importid": "importIds",
    "importids": "importIds",
    "name": "name",
    "password": "password",
    "role": "roles",
    "roles": "roles",
    "utcoffset": "utcOffset",
    "avatarurl": "avatarUrl",
    "deleted": "deleted",
    "statustext": "statusText",
    "type": "type",
    "bio": "bio",
    "channel": "channels",
    "channels": "channels",
}
# The fields a cell may hold several values of (separated by `;`), and that repeated
# columns add up to.
LIST_FIELDS = ("emails", "importIds", "roles", "channels")
# Rocket.Chat's users.csv: these three values, no header; the username is also the import id.
ROCKETCHAT_COLUMNS = ("username", "email", "name")
