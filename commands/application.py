"""The event-sourced application: event store, repository, snapshots, and a hook on every save."""

from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.persistence import Recording

from domain.build import Build
from domain.project import Project
from domain.sequence import IdSequence
from domain.user import User
from domain.version import Version


class DocsplaneApplication(Application):
    name = "Docsplane"
    # Long-lived aggregates load from a snapshot plus a few events, however long their history.
    snapshotting_intervals = {Project: 100, Version: 100, Build: 100, IdSequence: 50, User: 100}

    def __init__(self, env=None):
        super().__init__(env)
        self.listeners: list[Callable[[list[Recording]], None]] = []

    def _notify(self, recordings: list[Recording]) -> None:
        # Lets an in-process projector wake at once instead of waiting for its next poll.
        for listener in self.listeners:
            listener(recordings)
