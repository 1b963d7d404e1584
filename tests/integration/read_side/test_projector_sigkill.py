"""A real `docsplane projector` process, killed with SIGKILL at random moments while it works through
a stream, then restarted: the read models end equal to a from-scratch rebuild (nothing lost, nothing
applied twice)."""

import os
import random
import signal
import subprocess
import sys
import time

from docsplane.bootstrap import build
from integration_support import dump_tables, head, positions, project_settings

BUILDS = 120  # 5 events each, plus the imports: ~600 events


def write_stream(container) -> None:
    container.users.create_user("alice")
    for name in ("Kill One", "Kill Two"):
        container.projects.import_project("alice", project_settings(name))
    for i in range(BUILDS):
        project = ("kill-one", "kill-two")[i % 2]
        number = container.builds.trigger_build("alice", project).value
        for state in ("cloning", "installing", "building"):
            container.builds.change_build_state("worker", number, state, commit=f"{i:040x}" if state == "cloning" else None)
        container.builds.finish_build("worker", number, success=i % 3 != 0, error="boom", builder="b1")


def start_projector(settings) -> subprocess.Popen:
    env = {**os.environ, **settings.as_environ()}
    return subprocess.Popen(
        [sys.executable, "-m", "docsplane.cli", "projector"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def slowest(container) -> int:
    current = positions(container)
    return min(current.get(projector.name, 0) for projector in container.projectors)


def test_projector_killed_mid_stream_resumes_exactly_once(backend, make_settings):
    settings = make_settings(backend, DOCSPLANE_PROJECTOR_BATCH_SIZE="7", DOCSPLANE_POLL_INTERVAL="0.01")
    container = build(settings)
    try:
        write_stream(container)
        target = head(container)
        kills_mid_stream = 0
        for fraction in sorted(random.uniform(0.05, 0.9) for _ in range(5)):
            process = start_projector(settings)
            # Kill as soon as the slowest projection passes a random point of the stream: mid-work,
            # at an arbitrary moment relative to its batch transactions.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and slowest(container) < fraction * target:
                time.sleep(0.002)
            process.send_signal(signal.SIGKILL)
            process.wait()
            if slowest(container) < target:
                kills_mid_stream += 1
        assert kills_mid_stream >= 3, "the kills came after the projector had finished: the test proved nothing"

        process = start_projector(settings)  # the last run may finish
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and slowest(container) < target:
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert slowest(container) == target

        followed = dump_tables(container)
        for projector in container.projectors:
            projector.rebuild()
        assert dump_tables(container) == followed
        assert len(followed["builds"]) == BUILDS
        assert sum(1 for b in followed["builds"] if b["state"] == "finished") == BUILDS
    finally:
        container.close()
