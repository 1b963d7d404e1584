"""The real `docsplane replay`, beside a running `docsplane projector`: stopped with Ctrl-C, then killed
with SIGKILL, then run again: it resumes where the last committed batch left it and ends with the read
models equal to the live ones."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

from docsplane.bootstrap import build
from integration_support import dump_tables, project_settings
from projections.registry import PROJECTIONS

BUILDS = 100  # 5 events each: ~500 events, replayed one per batch


def write_stream(container) -> None:
    container.users.create_user("alice")
    container.projects.import_project("alice", project_settings("Replayed Docs"))
    for i in range(BUILDS):
        number = container.builds.trigger_build("alice", "replayed-docs").value
        for state in ("cloning", "installing", "building"):
            container.builds.change_build_state("worker", number, state)
        container.builds.finish_build("worker", number, success=i % 2 == 0, error="boom", builder="b1")


def start(settings, *args) -> subprocess.Popen:
    env = {**os.environ, **settings.as_environ()}
    return subprocess.Popen([sys.executable, "-m", "docsplane.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def replayed(container) -> int:
    """The replay's least position: in `replay_positions`, or on PostgreSQL during the bulk phase in
    its scratch files (projections/replay/scratch.py), read-only so as never to create one."""
    positions = {r["name"]: r["position"] for r in container.store.fetchall("SELECT name, position FROM replay_positions")}
    for path in (container.settings.data_dir / "replay").glob("*.sqlite3"):
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)) as scratch:
                row = scratch.execute("SELECT position FROM scratch_position").fetchone()
        except sqlite3.OperationalError:  # deleted or not made yet
            continue
        if row and positions.get(path.stem) == 0:
            positions[path.stem] = row[0]
    return min(positions.values(), default=0)


def wait_for_progress(container, beyond: int) -> int:
    deadline = time.monotonic() + 60
    while (position := replayed(container)) <= beyond:
        assert time.monotonic() < deadline, "the replay made no progress"
        time.sleep(0.002)
    return position


def test_replay_stopped_and_killed_resumes_and_ends_equal_to_the_live_model(backend, make_settings):
    settings = make_settings(backend)
    container = build(settings)
    projector = start(settings, "projector")
    try:
        write_stream(container)
        container.catch_up()
        live = dump_tables(container)

        stopped = start(settings, "replay", "--batch-size", "1")
        wait_for_progress(container, 0)
        stopped.send_signal(signal.SIGINT)
        out, err = stopped.communicate(timeout=60)
        assert stopped.returncode == 130, err
        assert "run again to resume" in err and "Traceback" not in err
        kept = replayed(container)
        assert f"interrupted at {kept:,}" in err

        killed = start(settings, "replay", "--batch-size", "1")
        beyond = wait_for_progress(container, kept)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        kept = replayed(container)
        assert kept >= beyond

        done = start(settings, "replay", "--batch-size", "50")
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        assert f"resuming an interrupted replay at {kept:,}" in err
        assert "events/s" in err and "ETA" in err  # the progress bar
        assert [line.split(":")[0] for line in out.splitlines()] == list(PROJECTIONS)
        assert "builds: rebuilt from" in out
        assert replayed(container) == 0  # no replay left half done
        assert dump_tables(container) == live
    finally:
        projector.kill()
        projector.wait()
        container.close()


def test_an_unknown_projection_is_refused_with_the_list_of_names(make_settings):
    replay = start(make_settings("sqlite"), "replay", "--projection", "nope")
    out, err = replay.communicate(timeout=60)
    assert replay.returncode == 2
    assert "invalid choice: 'nope'" in err and "'versions'" in err and "'webhook_deliveries'" in err
