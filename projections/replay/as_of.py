"""A project or version as it was at a past moment (`?as_of=`), rebuilt from the events.

The state at a moment is not in the read model, so this reads the event store: the events, up to
the moment, of the aggregates a detail answer shows (the project, its versions and the builds their
`last_build`/`built` depend on) go through the very projections that build the live read model, into
a throw-away in-memory SQLite store, which the usual queries then read. The answer thus has exactly
the shape of the live one, and the projections stay the one definition of it.

Which aggregates to read comes from the ids: the slug's index (deterministic id) says which project
held the slug then; the live read model lists the project's versions and builds, and the project's
version index (the VersionIndex aggregate) the versions a sync has deleted since; a deleted project
still has its `latest` version."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.ids import slug_index_id, version_id, version_index_id
from domain.project import LATEST
from projections.builds.projection import BuildsProjection
from projections.combined_queries import ReadModel
from projections.following.schema import create_tables
from projections.projects.projection import ProjectsProjection
from projections.store import SQLiteReadStore
from projections.times import as_event_time
from projections.versions.projection import VersionsProjection

PROJECTIONS = (ProjectsProjection(), VersionsProjection(), BuildsProjection())

# The builds a version's detail depends on at a moment: its newest build triggered by then
# (`last_build`) and one that had succeeded by then (`built`). Their later events are cut off.
CANDIDATE_BUILDS = """
    SELECT aggregate_id FROM builds WHERE id IN (
        SELECT MAX(id) FROM builds WHERE project_id = ? AND created <= ? GROUP BY version_slug
        UNION
        SELECT MIN(id) FROM builds WHERE project_id = ? AND success = ? AND finished <= ? GROUP BY version_slug
    )"""


class PointInTime:
    def __init__(self, app, store):
        self.app = app
        self.store = store  # the live read store: which versions and builds a project has

    def project_detail(self, slug: str, moment: datetime, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        with self._read_model_at(slug, moment) as read_model:
            project = read_model and read_model.project_detail(slug, viewer, scope)
        # The projects it named then are looked up in the live read model: private to the viewer now, hidden.
        return project and ReadModel(self.store).without_invisible_links([project], viewer, scope)[0]

    def version(self, project_slug: str, version_slug: str, moment: datetime, viewer: str | None) -> dict | None:
        with self._read_model_at(project_slug, moment) as read_model:
            project = read_model and read_model.project(project_slug, viewer)
            return project and read_model.version(project, viewer, version_slug)

    def _read_model_at(self, slug: str, moment: datetime) -> _Scratch:
        project_id = self._holder_of(slug, moment)
        events = []
        if project_id is not None:
            for aggregate_id in self._aggregates_of(project_id, moment):
                events.extend(self._events_until(aggregate_id, moment))
        events.sort(key=lambda e: e.timestamp)  # across aggregates, in the order they happened
        return _Scratch(events if project_id is not None else None)

    def _holder_of(self, slug: str, moment: datetime):
        """The project that held the slug at the moment (a deleted project's slug may be taken again)."""
        count = len(self._events_until(slug_index_id(slug), moment))
        if not count:
            return None
        return self.app.repository.get(slug_index_id(slug), version=count).project_id

    def _aggregates_of(self, project_id, moment: datetime) -> set[UUID]:
        cutoff = as_event_time(moment)
        rows = self.store.fetchall("SELECT aggregate_id FROM versions WHERE project_id = ?", (str(project_id),))
        rows += self.store.fetchall(CANDIDATE_BUILDS, (str(project_id), cutoff, str(project_id), True, cutoff))
        indexed = {slug for event in self._events_until(version_index_id(project_id), moment)
                   for slug in [*getattr(event, "slugs", ()), *getattr(event, "added", ())]}
        return ({project_id, version_id(project_id, LATEST)} | {UUID(row["aggregate_id"]) for row in rows}
                | {version_id(project_id, slug) for slug in indexed})

    def _events_until(self, aggregate_id, moment: datetime) -> list:
        events = []
        for event in self.app.events.get(aggregate_id):
            if event.timestamp > moment:
                break  # an aggregate's events are stored in the order they happened
            events.append(event)
        return events


class _Scratch:
    """An in-memory read store holding the given events' projection, for one `with` block."""

    def __init__(self, events: list | None):
        self.events = events
        self.store: SQLiteReadStore | None = None

    def __enter__(self) -> ReadModel | None:
        if self.events is None:
            return None
        self.store = SQLiteReadStore(":memory:")
        create_tables(self.store)
        with self.store.transaction() as tx:
            for event in self.events:
                for projection in PROJECTIONS:
                    if projection.wants(event):
                        projection.apply(tx, event, position=0)  # these projections key rows by their own ids
        return ReadModel(self.store)

    def __exit__(self, *exc) -> None:
        if self.store is not None:
            self.store.close()
