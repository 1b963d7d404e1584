"""Whether a save happened, when the event store goes away during it.

A connection lost after the commit leaves the events stored but the save failed as far as the
command can tell; one lost before leaves nothing. So a store failure during a save is
SaveOutcomeUnknown (the API then says "it may or may not have been recorded"), and each save the
store confirmed is counted on the request's context (an outage after one must not be answered
"nothing was changed")."""

from collections.abc import Callable

from eventsourcing.persistence import InterfaceError, OperationalError, Recording

from commands.handling.request_context import current


class SaveOutcomeUnknown(OperationalError):
    """The event store was lost while a save was under way: its events may or may not be stored."""


def counted_save(save: Callable[[], list[Recording]]) -> list[Recording]:
    """Run `save` inside a request context: SaveOutcomeUnknown when the store fails under it,
    else its recordings, counted as one of the request's stored saves."""
    try:
        recordings = save()
    except (OperationalError, InterfaceError) as error:
        raise SaveOutcomeUnknown(str(error)) from error
    current().outcome.saves += 1
    return recordings


def saved_before_outage() -> bool:
    """Whether the current request had a save stored before the store became unavailable."""
    context = current()
    return context is not None and context.outcome.saves > 0
