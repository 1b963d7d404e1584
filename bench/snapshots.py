"""Loading an aggregate with a long history vs. a short one, on PostgreSQL (issue 5: "a project with
10,000 events loads in about the time of one with 10"). A figure of `python -m bench` (`--only snapshots`).

In a fresh database: project A gets 10,019 events (the worst case: its latest snapshot at 10,000;
settings changed over and over, saved in chunks, so the application takes a snapshot every 20
versions), project B gets 10. Then `repository.get` loads each 300 times
(50 with --quick), interleaved; the figure is A's median load time over B's (target <= 1.5). For scale, a second row shows A folded from its whole history without
a snapshot."""

from __future__ import annotations

import statistics
import time
from functools import reduce

from bench.support import SECRETS_KEY, Config, Row, event_store_env, fresh_database, in_process
from commands.handling.application import DocsplaneApplication
from domain.project import Project

TARGET = 1.5
PROJECT_INTERVAL = DocsplaneApplication.snapshotting_intervals[Project]
SHORT = 10


def build_history(docsplane, name: str, events: int):
    from commands.handling.loading import load_project

    docsplane.projects.import_project("bench", {
        "name": name, "repository": {"url": f"https://example.com/{name}.git", "type": "git"}, "language": "en",
        "programming_language": "py", "homepage": None, "default_branch": "main", "privacy_level": "public",
        "tags": [], "single_version": False,
    })
    project = load_project(docsplane.app, name.lower())
    while project.version < events:
        project.update("bench", {"name": f"{name} {project.version}"})
        if project.version % 50 == 0:
            docsplane.app.save(project)
    docsplane.app.save(project)
    return project.id


def median_loads(get, aggregate_ids: list, loads: int) -> list[float]:
    """Each aggregate's median load time, the loads interleaved so drift hits all alike."""
    samples: list[list[float]] = [[] for _ in aggregate_ids]
    for _ in range(loads):
        for i, aggregate_id in enumerate(aggregate_ids):
            started = time.perf_counter()
            get(aggregate_id)
            samples[i].append(time.perf_counter() - started)
    return [statistics.median(s) for s in samples]


def run(cfg: Config) -> list[Row]:
    events = 10_000 + PROJECT_INTERVAL - 1  # the worst case: a snapshot at 10,000 and 19 events after it
    loads = 50 if cfg.quick else 300
    with fresh_database("snapshots") as dbname:
        docsplane = in_process({**event_store_env(dbname), "DOCSPLANE_DATA_DIR": str(cfg.workdir / "snapshots"),
                                "DOCSPLANE_SECRETS_KEY": SECRETS_KEY,
                                "DOCSPLANE_READ_DB_URL": f"postgresql://postgres@127.0.0.1:5432/{dbname}"})
        try:
            long_id = build_history(docsplane, "Long", events)
            short_id = build_history(docsplane, "Short", SHORT)
            app = docsplane.app
            assert app.repository.get(long_id).version == events and app.repository.get(short_id).version == SHORT

            def fold(aggregate_id):
                return reduce(lambda aggregate, event: event.mutate(aggregate), app.events.get(aggregate_id), None)

            median_loads(app.repository.get, [long_id, short_id], 20)  # warm-up: pools, caches
            long, short = median_loads(app.repository.get, [long_id, short_id], loads)
            [unsnapshotted] = median_loads(fold, [long_id], max(5, loads // 20))
        finally:
            docsplane.close()
    baseline = f"{short * 1000:.2f} ms (a project with {SHORT} events)"
    return [
        Row(f"load a project with {events:,} events (snapshots)", f"{long * 1000:.2f} ms", baseline,
            f"{long / short:.2f}x", f"<= {TARGET}x", long / short <= TARGET),
        Row("  the same folded from all its events (no snapshot; for scale)", f"{unsnapshotted * 1000:.2f} ms", baseline,
            f"{unsnapshotted / short:.0f}x", "-", True),
    ]
