"""A stored history of N events, generated fast (aggregates' own methods, then
`mapper.to_stored_event` and `recorder.insert_events` in large batches; never over HTTP), with a
realistic mix: per project its slug claim, `ProjectImported`, versions (some activated later), and
builds moving through their states (triggered, leased, cloning, installing, building, configured,
finished). Projects are ~1,000 events each whatever N is, so a larger N means a longer history,
not larger projects. Every project is maintained by the user `bench`."""

from __future__ import annotations

import multiprocessing
import time
from datetime import datetime, timezone

PER_PROJECT, VERSIONS, BUILD_EVENTS, BATCH = 1_000, 4, 7, 5_000
VERSION_IDS, BUILD_IDS = 10, 200  # numbers reserved per project: version and build numbers never collide


def project_slug(number: int) -> str:
    return f"gen-{number}"


def _project_aggregates(p: int) -> list:
    """Project number p+1 with its versions and builds, each aggregate's events pending."""
    from domain.build import Build
    from domain.project import LATEST, Project
    from domain.slug_index import SlugIndex
    from domain.version import Version

    project = Project.import_(number=p + 1, actor="bench", name=project_slug(p + 1),
                              repository={"url": f"https://github.com/example/gen-{p + 1}", "type": "git"},
                              language="en", programming_language="py", homepage=None, default_branch=None,
                              privacy_level="public", tags=["generated"])
    aggregates = [SlugIndex(slug=project.slug, project_id=project.id), project]
    versions = []
    for k, slug in enumerate([LATEST] + [f"v{i}.0" for i in range(1, VERSIONS + 1)]):
        version = Version.create(project_id=project.id, project_slug=project.slug, number=p * VERSION_IDS + k + 1,
                                 slug=slug, verbose_name=slug, identifier=slug if k else "HEAD",
                                 type="branch" if k == 0 else "tag", active=k <= 1, actor="bench")
        if k == VERSIONS:
            version.activate("bench")
        versions.append(version)
    aggregates += versions
    builds = (PER_PROJECT - len(aggregates) - 1) // BUILD_EVENTS
    now = datetime.now(timezone.utc)
    for b in range(builds):
        version = versions[b % 2]
        build = Build(number=p * BUILD_IDS + b + 1, project_id=project.id, project_slug=project.slug,
                      version_id=version.id, version_slug=version.slug, actor="bench")
        build.lease("gen-worker", now, 60)
        for state in ("cloning", "installing", "building"):
            build.change_state(state, "gen-worker", commit="0123456789abcdef0123456789abcdef01234567")
        build.configure({"version": 2, "build": {"os": "ubuntu-22.04"}}, "gen-worker")
        build.finish(b % 5 != 0, "gen-worker", error=None if b % 5 else "Build failed", builder="gen-worker")
        aggregates.append(build)
    return aggregates


def _generate(env: dict, projects: range, queue) -> None:
    """Store the events of these projects; report how many."""
    try:
        from commands.handling.application import DocsplaneApplication

        app = DocsplaneApplication(env={**env, "CREATE_TABLE": "false", "POSTGRES_POOL_SIZE": "1"})
        pending, stored = [], 0
        for p in projects:
            for aggregate in _project_aggregates(p):
                pending += [app.mapper.to_stored_event(e) for e in aggregate.collect_events()]
            if len(pending) >= BATCH or p == projects[-1]:
                app.recorder.insert_events(pending)
                stored += len(pending)
                pending = []
        queue.put(("stored", stored))
    except Exception as error:
        queue.put(("error", f"{type(error).__name__}: {error}"))


def generate(env: dict, events: int, processes: int = 2) -> int:
    """Append about `events` events to the (existing, empty) event store of `env`; the count stored.
    The id sequences are advanced past every generated number, so the API's next ids are free."""
    from bench.support import BenchFailed
    from docsplane.bootstrap import open_application
    from docsplane.settings import Settings
    from domain.sequence import IdSequence

    projects = max(1, round(events / PER_PROJECT))
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_generate, args=(env, range(i, projects, processes), queue), daemon=True)
             for i in range(min(processes, projects))]
    for p in procs:
        p.start()
    stored = 0
    try:
        for _ in procs:
            kind, value = queue.get(timeout=3600)
            if kind == "error":
                raise BenchFailed(f"generating the history: {value}")
            stored += value
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    app = open_application(Settings.from_env(env))
    try:
        sequences = []
        for name, used in (("project", projects), ("version", projects * VERSION_IDS), ("build", projects * BUILD_IDS)):
            sequence = IdSequence(name=name)
            sequence.reserve(used)
            sequences.append(sequence)
        app.save(*sequences)
    finally:
        app.close()
    return stored + 2 * len(sequences)


class Histories:
    """The run's generated databases, by size: made once and shared by the figures that need the
    same history (replay, then 1k vs 1M), dropped at the end of the run."""

    def __init__(self, workdir):
        self.workdir = workdir
        self._made: dict[int, dict] = {}
        self._drops = []

    def get(self, events: int) -> dict:
        """{"env", "events", "generate_s", "projected"}: `projected` is False until a replay filled
        the read models (the replay figure times that; others call `project_all` untimed)."""
        if events not in self._made:
            from contextlib import ExitStack

            from bench.support import Services, fresh_database, service_env

            stack = ExitStack()
            self._drops.append(stack)
            dbname = stack.enter_context(fresh_database(f"history{events}"))
            env = service_env(dbname, self.workdir / f"history{events}")
            Services(self.workdir / f"history{events}", env).run("replay")  # creates the tables (no events yet)
            started = time.monotonic()
            stored = generate(env, events)
            self._made[events] = {"env": env, "events": stored, "generate_s": time.monotonic() - started,
                                  "projected": False}
        return self._made[events]

    def close(self) -> None:
        for stack in self._drops:
            stack.close()
