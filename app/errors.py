"""Domain errors: what a service refuses, in Rocket.Chat's words. The HTTP layer maps them."""


class ServiceError(Exception):
    """Base of every refusal a caller can correct; `message` is shown to the client as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Unauthorized(ServiceError):
    """The request carries no valid X-User-Id / X-Auth-Token pair."""

    def __init__(self):
        super().__init__("You must be logged in to do this.")


class Forbidden(ServiceError):
    """The authenticated user's roles lack the route's permission."""

    def __init__(self):
        super().__init__(
            "User does not have the permissions required for this action [error-unauthorized]"
        )


class InvalidParams(ServiceError):
    """The body or query failed validation (`<message> [invalid-params]`)."""

    error_type = "invalid-params"

    def __init__(self, message):
        super().__init__(f"{message} [{self.error_type}]")


class ActionRefused(ServiceError):
    """A route's action refuses the current state; Rocket.Chat sends the bare message."""


class CodedError(ServiceError):
    """A refusal in Rocket.Chat's `Reason [code]` form, which carries an errorType."""

    def __init__(self, reason, error_type):
        super().__init__(f"{reason} [{error_type}]")
        self.error_type = error_type


class OperationNotFound(CodedError):
    """No import operation exists (getImportProgress)."""

    def __init__(self):
        super().__init__("Import Operation Not Found", "error-operation-not-found")


class LoginRefused(Unauthorized):
    """A login attempt failed; the answer never tells why, nor whether the user exists."""

    def __init__(self):
        ServiceError.__init__(self, "Unauthorized")


class MethodError(CodedError):
    """A Meteor.Error of a named method: `Reason [code]`, its errorType, and `details`."""

    def __init__(self, reason, error_type, method):
        super().__init__(reason, error_type)
        self.details = method


class ImporterNotDefined(MethodError):
    """No file importer has this key."""

    def __init__(self, key, method):
        reason = f"The importer ({key}) has no import class defined."
        super().__init__(reason, "error-importer-not-defined", method)


class LoginBlocked(LoginRefused):
    """Too many failed logins for this username or address: Rocket.Chat's temporary block."""

    _REASONS = {"user": "User", "ip": "IP"}
    details = {"function": "Accounts.validateLoginAttempt"}

    def __init__(self, reason):
        ServiceError.__init__(
            self, f"Login has been temporarily blocked For {self._REASONS[reason]}"
        )
        self.error = f"error-login-blocked-for-{reason}"
