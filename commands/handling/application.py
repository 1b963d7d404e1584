"""The event-sourced application: event store, repository, snapshots, and what every save does.

A save runs in a request context (whose ids the mapper stamps on every stored event), carries the
request's pending Idempotency-Key claim when it is the request's first write, turns a store lost
under it into SaveOutcomeUnknown, and tells in-process listeners what it stored. A retried insert
that meets its own committed events is recognised as the success it was. The stored JSON is read
by orjson."""

from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Mapper, Recording, Transcoder

from commands.handling.bounded_hints import BoundedHints
from commands.handling.idempotency import save_with_pending_claim
from commands.handling.own_commit import recordings_if_ours
from commands.handling.request_context import StampingMapper, ensuring_request
from commands.handling.save_outcome import counted_save
from commands.handling.transcoder import OrjsonTranscoder
from domain.build import Build
from domain.project import Project
from domain.sequence import IdSequence
from domain.user import User
from domain.version import Version


class DocsplaneApplication(Application):
    name = "Docsplane"
    # Long-lived aggregates load from a snapshot plus a few events, however long their history.
    # Projects are loaded by nearly every command, so their snapshots are the closest together.
    snapshotting_intervals = {Project: 20, Version: 100, Build: 100, IdSequence: 50, User: 100}
    # The library's aggregate cache, fast-forwarded on every get: one select of the events newer
    # than the cached version instead of a snapshot select and an events select, and no decoding of
    # what is already known. Other processes' writes are still read (the fast-forward), and every
    # command gets its own copy. The environment variable of the same name overrides the size.
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000"}

    def __init__(self, env=None):
        super().__init__(env)
        self.listeners: list[Callable[[list[Recording]], None]] = []
        self.project_ids = BoundedHints(10_000)  # slug -> project id, for load_project

    def construct_transcoder(self) -> Transcoder:
        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=StampingMapper)

    def save(self, *objs, **kwargs) -> list[Recording]:
        return save_with_pending_claim(self, self._save_in_request, objs, kwargs)

    def _save_in_request(self, *objs, **kwargs) -> list[Recording]:
        save = super().save
        with ensuring_request():
            return counted_save(lambda: save(*objs, **kwargs))

    def _record(self, processing_event) -> list[Recording]:
        try:
            return super()._record(processing_event)
        except IntegrityError:
            recordings = recordings_if_ours(self, processing_event.events)
            if recordings is None:
                raise  # another request's events: a real conflict
            return recordings

    def _notify(self, recordings: list[Recording]) -> None:
        # Lets an in-process projector wake at once instead of waiting for its next poll.
        for listener in self.listeners:
            listener(recordings)
