"""The rules that the server and the command-line importer share: what a staged user must
hold, which fields it may have, and the refusals import.addUsers and its neighbours answer.

No Flask, pymongo or database here: the importer's --dry-run applies these very rules
offline, and a reader finds them in one place.
"""

# The fields of a user in import.addUsers (UserIn's, in the published validator's order).
USER_FIELDS = (
    "username",
    "emails",
    "importIds",
    "name",
    "utcOffset",
    "avatarUrl",
    "deleted",
    "statusText",
    "roles",
    "type",
    "bio",
    "password",
    "customFields",  # not in the published validator; Rocket.Chat's importer keeps them
    "voipExtension",
    "channels",  # ours: the names of existing rooms the user joins
)

# A page of a listing route (import.errors): Rocket.Chat's API_Default_Count and
# API_Upper_Count_Limit defaults; the importer asks for pages of the largest size.
DEFAULT_COUNT = 50
MAX_COUNT = 100

# A user needs a non-empty value in each of these lists (Rocket.Chat's rule).
REQUIRED_LISTS = ("emails", "importIds")

# Ours, not Rocket.Chat's: no value a chat account needs comes near this, and it keeps a
# hostile body from filling the staging area with megabyte strings.
MAX_STRING = 2048

# Users per import.addUsers call that the importer and the console send (the importer's
# --chunk-size default): a body far below the body limit, a refusal halved in few steps.
ADD_USERS_CHUNK = 500

# Rocket.Chat's refusals, word for word: the importer recognises them in answers.
NOT_INITIALIZED = "Import operation not initialized."
CANNOT_RECEIVE = "The current import operation can not receive new data."
ALREADY_FINISHED = "The current import operation is already finished."
MISSING_DATA = "Users are missing required data."
INVALID_ROLES = "One or more of the users have been assigned invalid roles."
# Ours: import.cancel is not Rocket.Chat's.
NOTHING_TO_CANCEL = "There is no import operation to cancel."
CANNOT_CANCEL_LOADING = "The current import operation is loading data and cannot be cancelled."


def missing_required_data(user):
    """Return which of `emails` and `importIds` lack a non-empty value (Rocket.Chat's rule)."""
    return [name for name in REQUIRED_LISTS if not _has_value(user.get(name) or [])]


def _has_value(values):
    return any(isinstance(v, str) and v for v in values)
