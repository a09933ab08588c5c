"""What a database error means: the database is away for now (wait and retry), or a bug."""

from pymongo.errors import (
    ConfigurationError,
    ConnectionFailure,
    ExecutionTimeout,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

# Any error of the database client: is_unavailable tells an outage from a bug.
DatabaseError = PyMongoError

# MONGO_URL itself is wrong (not a URL, an unknown option): raised before any I/O.
InvalidUrl = ConfigurationError

# The server's code of a write refused by a unique index.
DUPLICATE_KEY = 11000

# Errors that mean "the database is not there right now", as opposed to a bug.
UNAVAILABLE_ERRORS = (ConnectionFailure, ServerSelectionTimeoutError, ExecutionTimeout)

# Server error codes of a shutdown, a failover or the network: try again later.
TRANSIENT_CODES = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})


def is_unavailable(error):
    """Tell whether an error means the database is away for now (retry), not a bug."""
    if isinstance(error, UNAVAILABLE_ERRORS):
        return True
    return isinstance(error, OperationFailure) and error.code in TRANSIENT_CODES
