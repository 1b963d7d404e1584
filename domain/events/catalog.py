"""Every domain event class, found by walking the aggregates of the domain package (so a new event
is known everywhere without being listed: the audit command's `--type`, the secret-field guard)."""

from __future__ import annotations

import importlib
import pkgutil

from eventsourcing.domain import Aggregate, CanMutateAggregate

BASES = ("Event", "Created")  # the library's own base event classes of each aggregate


def _aggregates(cls=Aggregate):
    for sub in cls.__subclasses__():
        yield sub
        yield from _aggregates(sub)


def event_classes() -> list[type]:
    import domain

    for module in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"domain.{module.name}")
    found = {
        value
        for aggregate in _aggregates() if aggregate.__module__.startswith("domain.")
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name not in BASES
    }
    return sorted(found, key=lambda cls: cls.__qualname__)


def event_names() -> set[str]:
    """'ProjectImported', 'BuildTriggered', ...: what the audit history calls each event's type."""
    return {cls.__name__ for cls in event_classes()}
