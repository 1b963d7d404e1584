"""How the read models store times: ISO-8601 text, which orders as the times do.

Two formats, each kept by the tables that have always used it (a replay must write what is there):
most tables store a time in UTC as `isoformat()` gives it, without microseconds when they are zero;
the audit log and the build leases always store the microseconds. A bound compared with a column
must be written in that column's format: the same instant in the other is another string."""

from datetime import datetime, timezone


def event_time(event) -> str:
    """An event's time as most tables store it (its timestamp is UTC already)."""
    return event.timestamp.isoformat()


def as_event_time(moment: datetime) -> str:
    """A datetime in `event_time`'s format, to compare with those columns; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def now_time() -> str:
    """Now, in `event_time`'s format (when a position or a replay last moved)."""
    return datetime.now(timezone.utc).isoformat()


def reported_time(moment: datetime) -> str:
    """A time a build worker reported (a command's start and end) as it gave it: with its own offset."""
    return moment.isoformat()


def fixed_width_time(moment: datetime) -> str:
    """A datetime as the audit log and the build leases store it: UTC, always with microseconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    elif moment.tzinfo is not timezone.utc:  # the events' own timestamps are UTC already: no conversion
        moment = moment.astimezone(timezone.utc)
    return moment.isoformat(timespec="microseconds")
