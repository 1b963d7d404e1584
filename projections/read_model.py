"""Base of every projection: which events it handles and which tables it owns."""

import json

from eventsourcing.utils import get_topic

from projections.times import event_time


def handles(*event_classes):
    """Mark a method as the handler of these domain event classes."""

    def mark(method):
        method.handled = event_classes
        return method

    return mark


class ReadModelProjection:
    name: str = ""
    tables: tuple[str, ...] = ()  # the tables it owns (emptied by a rebuild)
    ddl: tuple[str, ...] = ()  # CREATE TABLE/INDEX IF NOT EXISTS statements for them (all of them, only them)
    handlers: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.handlers = {
            event_class: method
            for method in vars(cls).values()
            for event_class in getattr(method, "handled", ())
        }

    @classmethod
    def topics(cls) -> list[str]:
        """Read only these from the log: the filter runs in the event store's database."""
        return sorted(get_topic(event_class) for event_class in cls.handlers)

    def wants(self, event) -> bool:
        """Whether `apply` takes this event (a pass over the log may read more than one projection's topics).
        By the event's class only: a replay asks once per class."""
        return type(event) in self.handlers

    def apply(self, tx, event, position: int) -> None:
        """`position`: the event's notification id (most projections key rows by their own ids)."""
        self.handlers[type(event)](self, tx, event)

    def drop_project_rows(self, tx, deleted) -> None:
        """On ProjectDeleted: every table of a projection keyed by `project_id` loses the project's rows."""
        for table in self.tables:
            tx.execute(f"DELETE FROM {table} WHERE project_id = ?", (str(deleted.originator_id),))


def as_json(value) -> str:
    return json.dumps(value, sort_keys=True)


def update_row(tx, table: str, e, values: dict) -> None:
    """The row of the event's aggregate in `table` gets `values`; its `modified` and its
    `aggregate_version` (the ETag, which If-Match is checked against) follow the event."""
    values = {**values, "modified": event_time(e), "aggregate_version": e.originator_version}
    assignments = ", ".join(f"{column} = ?" for column in values)
    tx.execute(f"UPDATE {table} SET {assignments} WHERE aggregate_id = ?", (*values.values(), str(e.originator_id)))
