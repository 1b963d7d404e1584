"""The small set of errors the domain and the write side raise; api/ turns them into JSON once."""


class DomainError(Exception):
    """Base of every error a decision can raise."""


class ValidationFailed(DomainError):
    """A field breaks a rule. `code` is one of missing, missing_field, invalid, already_exists."""

    def __init__(self, resource: str, field: str, code: str, message: str = ""):
        super().__init__(message or f"{resource}.{field}: {code}")
        self.resource = resource
        self.field = field
        self.code = code
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it does."""


class PermissionDenied(DomainError):
    """The actor is known but may not do this."""


class Conflict(DomainError):
    """A concurrent write won, and retrying did not resolve it."""


class PreconditionFailed(DomainError):
    """The client's If-Match names a state of the resource that is no longer current."""
