"""What a decision can refuse, named for what happened in the domain.

The API turns each into its answer in one table; the domain never spells an HTTP status or an
error code. The bases group the errors the way that table needs: a value of one field refused
(invalid, missing, already taken), an unknown resource, an actor not allowed, a state that moved on
under a write, and a write expecting a version that is no longer current."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a decision can raise."""


# -- a value of one field refused ---------------------------------------------------------------
class FieldError(DomainError):
    """A value given for one field of a resource cannot be accepted.

    `resource` is the kind of thing the field belongs to ("Project", "Redirect", ...); `value`, when
    given, is the offending value (never a secret's)."""

    def __init__(self, resource: str, field: str, message: str = "", *, value=None):
        super().__init__(message or f"{resource}.{field}")
        self.resource = resource
        self.field = field
        self.message = message
        self.value = value


class InvalidValue(FieldError):
    """The value breaks a rule."""


class RequiredValueMissing(FieldError):
    """A value the decision needs was not given."""


class ReferenceMissing(FieldError):
    """The value names something that does not exist, or that the actor may not know of."""


class AlreadyTaken(FieldError):
    """The value is already used by another thing, and only one may have it."""


class InvalidSetting(InvalidValue):
    """A setting's value breaks a rule (a name, a URL, a choice, a length, a format)."""


class UnchangeableField(InvalidValue):
    """The field is set once, or not by this command."""


class LastMaintainer(InvalidValue):
    """Removing this maintainer would leave the project without one."""


class IllegalLink(InvalidValue):
    """Two projects cannot be linked this way (subproject or translation rules)."""


class LinkNotAllowed(InvalidValue):
    """The actor may not link to the project a field names (not one of its maintainers)."""


class LanguageInUse(InvalidValue):
    """Another project of the translation family is already in this language."""


class IllegalBuildTransition(InvalidValue):
    """A build cannot move to this state from the one it is in (e.g. it has finished)."""


class VersionInUse(InvalidValue):
    """The version is in use (active, or the project's default), so it stays."""


class VersionInactive(InvalidValue):
    """The version named is not active, so it is not built."""


class LinkedProjectMissing(ReferenceMissing):
    """The project named as the other end of a link (translation, subproject) does not exist."""


class TranslationTargetMissing(LinkedProjectMissing):
    """The project a translation is to translate does not exist."""


class VersionMissing(ReferenceMissing):
    """The version named does not exist in the project."""


class UserMissing(ReferenceMissing):
    """The user named does not exist."""


class SlugTaken(AlreadyTaken):
    """The slug a project's name gives is another project's."""


class NameTaken(AlreadyTaken):
    """The name (of a user, a variable, a hook, a subproject's alias) is another's."""


class AlreadyLinked(AlreadyTaken):
    """The project is already linked elsewhere (another's subproject or translation)."""


class AlreadyMaintainer(AlreadyTaken):
    """The user already maintains the project."""


class RedirectTypeTaken(AlreadyTaken):
    """The project already has its one redirect of this type."""


# -- the resource, the actor, the state --------------------------------------------------------
class UnknownResource(DomainError):
    """The thing does not exist, or the actor may not know that it does."""


class NotAllowed(DomainError):
    """The actor is known but may not do this."""


class StateMovedOn(DomainError):
    """What the write assumed no longer holds: another writer, or an earlier attempt, got there first."""


class ConcurrentWriteLost(StateMovedOn):
    """The command lost every retry of its save to concurrent writes of the same aggregate."""


class LeaseNotHeld(StateMovedOn):
    """The worker does not hold the lease on the build (another does, or it was taken back)."""


class AlreadyDone(StateMovedOn):
    """What the command would do is already done (a build finished, a delivery attempt or an answer recorded)."""


class StoredAnswerUnreadable(DomainError):
    """The answer recorded for an Idempotency-Key was encrypted with a secrets key that is gone."""


class StaleWrite(DomainError):
    """The write expected the aggregate at a version that is no longer the current one."""

    def __init__(self, expected: int, current: int):
        super().__init__(f"the aggregate is at version {current}, the write expected version {expected}")
        self.expected = expected
        self.current = current
