"""The event-sourced application: event store, repository, snapshots, a hook on every save, the
request ids stamped on every stored event (commands/handling/request_context.py), a request's claim on its
Idempotency-Key saved with its first write (commands/handling/idempotency.py), and the stored JSON read by
orjson (commands/handling/transcoder.py)."""

import logging
import threading
from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError, InterfaceError, Mapper, Notification, OperationalError, Recording, Transcoder,
)

from commands.handling.idempotency import KeyInUse, pending
from commands.handling.request_context import StampingMapper, current, request_context
from commands.handling.transcoder import OrjsonTranscoder

from domain.build import Build
from domain.project import Project
from domain.sequence import IdSequence
from domain.user import User
from domain.version import Version

log = logging.getLogger("docsplane.commands")


class SaveOutcomeUnknown(OperationalError):
    """The event store was lost while a save was under way: its events may or may not be stored."""


class BoundedHints(dict):
    """A dict that forgets its oldest entries past `size` (hints only: a miss costs a read, never a wrong answer)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self._lock = threading.Lock()  # request threads share it

    def __setitem__(self, key, value) -> None:
        with self._lock:
            super().__setitem__(key, value)
            if len(self) > self.size:
                self.pop(next(iter(self)), None)


class DocsplaneApplication(Application):
    name = "Docsplane"
    # Long-lived aggregates load from a snapshot plus a few events, however long their history.
    # Projects are loaded by nearly every command, so theirs are close together: at most 19 events
    # after the snapshot keep a long project's load close to a short one's (bench.snapshots).
    snapshotting_intervals = {Project: 20, Version: 100, Build: 100, IdSequence: 50, User: 100}
    # The library's aggregate cache, fast-forwarded on every get: one select of the events newer
    # than the cached version instead of a snapshot select and an events select, and no decoding of
    # what is already known. Other processes' writes are still read (the fast-forward), and every
    # command gets its own copy. The environment variable of the same name overrides the size.
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000"}

    def __init__(self, env=None):
        super().__init__(env)
        self.listeners: list[Callable[[list[Recording]], None]] = []
        self.project_ids = BoundedHints(10_000)  # slug -> project id: commands/loading.load_project

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON and transcodings, read by orjson (commands/handling/transcoder.py)."""
        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=StampingMapper)

    def save(self, *objs, **kwargs) -> list[Recording]:
        """Outside any request (a test, a script), a save is a request of its own: its events
        still share a request id. A pending Idempotency-Key claim joins the request's first write."""
        claim = pending()
        if claim is None or not claim.wanted_by(objs):
            return self._save_in_context(*objs, **kwargs)
        request = claim.new_aggregate()
        try:
            recordings = self._save_in_context(*objs, request, **kwargs)
        except IntegrityError:
            if next(iter(self.events.get(request.id, lte=1)), None) is not None:
                raise KeyInUse(claim) from None  # held by another request: no retry can help
            raise  # an ordinary race: the command reloads and decides again, with the claim
        claim.saved = request
        return recordings

    def _save_in_context(self, *objs, **kwargs) -> list[Recording]:
        if current() is not None:
            return self._save(*objs, **kwargs)
        with request_context():
            return self._save(*objs, **kwargs)

    def _save(self, *objs, **kwargs) -> list[Recording]:
        try:
            recordings = super().save(*objs, **kwargs)
        except (OperationalError, InterfaceError) as error:
            # The connection may have been lost after the commit: whether the events are stored is unknown.
            raise SaveOutcomeUnknown(str(error)) from error
        current().outcome.saves += 1
        return recordings

    def _record(self, processing_event) -> list[Recording]:
        """The library retries an insert whose connection broke; if the broken attempt had in fact
        committed, the retry collides with its own events (IntegrityError) and the command would
        decide again as if another request had written them (a 422 for its own new name, a second
        build). Events found stored at those positions with this request's id and timestamps are
        this save's: it succeeded."""
        try:
            return super()._record(processing_event)
        except IntegrityError:
            stored = self._stored_as_ours(processing_event.events)
            if stored is None:
                raise  # another request's events: a real conflict
            log.warning("a save whose connection broke had been committed; its retry found its own events")
            head = self.recorder.max_notification_id()
            return [Recording(event, Notification(id=head, originator_id=s.originator_id, originator_version=s.originator_version,
                                                  topic=s.topic, state=s.state)) for event, s in zip(processing_event.events, stored)]

    def _stored_as_ours(self, events) -> list | None:
        request_id = current().request_id
        stored = []
        for event in events:
            found = self.recorder.select_events(event.originator_id, gt=event.originator_version - 1,
                                                lte=event.originator_version, limit=1)
            if not found:
                return None
            recorded = self.mapper.to_domain_event(found[0])
            if (type(recorded) is not type(event) or recorded.timestamp != event.timestamp
                    or getattr(recorded, "request_id", None) != request_id):
                return None
            stored.append(found[0])
        return stored

    def _notify(self, recordings: list[Recording]) -> None:
        # Lets an in-process projector wake at once instead of waiting for its next poll.
        for listener in self.listeners:
            listener(recordings)
