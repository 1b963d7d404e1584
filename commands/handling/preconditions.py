"""Client-side optimistic concurrency: the aggregate version a client read, expected by its write."""

from domain.errors import StaleWrite


def require_version(aggregate, expected_version: int | None) -> None:
    """Refuse to decide on an aggregate that moved on since the client read it (StaleWrite).

    Checked inside the command, after loading, so a write that lands between the client's read and
    this command is caught; the event store's own version check covers the rest of the race."""
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleWrite(expected=expected_version, current=aggregate.version)
