"""Long histories load from a snapshot plus the few events after it, on each backend (the speed of it
is shown by `python -m bench --only snapshots`)."""

from functools import reduce

from commands.handling.application import DocsplaneApplication
from commands.handling.loading import load_project
from domain.project import Project
from integration_support import project_settings

INTERVAL = DocsplaneApplication.snapshotting_intervals[Project]


def test_a_project_with_a_long_history_loads_from_its_latest_snapshot(docsplane):
    app = docsplane.app
    docsplane.projects.import_project("alice", project_settings("Busy Docs"))
    project = load_project(app, "busy-docs")
    for n in range(10 * INTERVAL + 7):  # saved in chunks, as a busy API would, crossing intervals
        project.update("alice", {"name": f"Busy Docs {n}"})
        if n % 37 == 0:
            app.save(project)
    app.save(project)

    snapshot = next(iter(app.snapshots.get(project.id, desc=True, limit=1)))
    assert snapshot.originator_version == 10 * INTERVAL  # taken when a save crossed the interval
    events_after = list(app.events.get(project.id, gt=snapshot.originator_version))
    assert len(events_after) == project.version - snapshot.originator_version < INTERVAL

    loaded = app.repository.get(project.id)
    folded = reduce(lambda aggregate, event: event.mutate(aggregate), app.events.get(project.id), None)
    assert loaded.version == folded.version == project.version
    assert vars(loaded) == vars(folded)  # the snapshot path and the whole history agree
    assert loaded.name == f"Busy Docs {10 * INTERVAL + 6}"
