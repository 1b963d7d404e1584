"""Client-side optimistic concurrency: an If-Match header becomes an expected aggregate version."""

from domain.errors import PreconditionFailed


def require_version(aggregate, expected_version: int | None) -> None:
    """Refuse to decide on an aggregate that moved on since the client read it (HTTP 412).

    Checked inside the command, after loading, so a write that lands between the client's read and
    this command is caught; the event store's own version check covers the rest of the race."""
    if expected_version is not None and aggregate.version != expected_version:
        raise PreconditionFailed(
            f"the resource changed since it was read (version {aggregate.version}, If-Match named {expected_version})"
        )
