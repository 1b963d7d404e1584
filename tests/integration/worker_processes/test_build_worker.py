"""The build worker against the real RabbitMQ and real git: jobs consumed from the queue, a build run
once however many workers get its job, and a worker killed mid-build never leaving its build
running: the lease expires, the build is retried once, or it ends with a clear error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from amqp_support import delete_job_queues, unique_name
from git_support import build_config, git, git_repository
from integration_support import event_log, project_settings, topic_name

from domain.build import WORKER_LOST
from domain.errors import StateMovedOn
from workers.following.background import Background, dispatcher_loop, projector_loop, reaper_loop
from workers.dispatcher import Dispatcher
from workers.queues import build_queue, connection, publish_job
from workers.builds.reaper import requeue_waiting
from workers.wiring import build_worker

LEASE = 2  # seconds: DOCSPLANE_BUILD_LEASE_SECONDS of these tests


@pytest.fixture
def broker_settings(make_settings, amqp_url):
    """`broker_settings(**env)`: SQLite storage, RabbitMQ, a build queue of the test's own (deleted after).
    No sandbox: these builds leave marks in the test's directory (tests/integration/worker_processes/test_build_sandbox.py)."""
    queue = unique_name("builds")
    yield lambda **env: make_settings("sqlite", DOCSPLANE_AMQP_URL=amqp_url, DOCSPLANE_BUILD_QUEUE=queue,
                                      DOCSPLANE_BUILD_LEASE_SECONDS=LEASE, **{"DOCSPLANE_BUILD_SANDBOX": "none", **env})
    with connection(make_settings("sqlite", DOCSPLANE_AMQP_URL=amqp_url)) as conn:
        delete_job_queues(conn, queue)


@pytest.fixture
def background():
    """`background(docsplane)`: the loops `docsplane serve` runs beside a worker, in this process."""
    started: list[Background] = []

    def start(docsplane, *loops) -> Background:
        made = Background(docsplane)
        for loop in loops or (projector_loop, dispatcher_loop, reaper_loop):
            made.start(loop(docsplane))
        started.append(made)
        return made

    yield start
    for made in started:
        made.stop()


def project_of(docsplane, repo: Path) -> str:
    settings = project_settings("Fixture", repository={"url": f"file://{repo}", "type": "git"})
    return docsplane.projects.import_project("alice", settings).value


def wait_for(condition, timeout: float = 30.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def build_row(docsplane, slug: str, number: int) -> dict:
    return docsplane.read_model.build(slug, number)


def finished(docsplane, slug: str, number: int, timeout: float = 30.0) -> dict:
    def ended():
        row = build_row(docsplane, slug, number)
        return row if row and row["state"] == "finished" else None

    return wait_for(ended, timeout, f"build {number} to finish")


def commands_of(docsplane, number: int) -> list[dict]:
    return docsplane.build_command_queries.list(number, limit=100, offset=0).results


def events_of(docsplane, name: str) -> list:
    return [n for n in event_log(docsplane) if topic_name(n.topic) == name]


def test_a_worker_runs_a_job_from_rabbitmq_to_a_finished_build(broker_settings, open_docsplane, background, tmp_path):
    docsplane = open_docsplane(broker_settings())
    slug = project_of(docsplane, git_repository(tmp_path / "repo", build_config("echo hi")))
    running = background(docsplane)
    worker = running.start_worker()

    number = docsplane.builds.trigger_build("alice", slug).value

    build = finished(docsplane, slug, number)
    assert build["success"] is True, build["error"]
    assert "hi\n" in [c["output"] for c in commands_of(docsplane, number)]
    # The worker held the lease, and everything the build wrote was written under it.
    leased = events_of(docsplane, "BuildLeased")
    assert len(leased) == 1
    progress = [docsplane.app.mapper.to_domain_event(n) for n in event_log(docsplane)
                if topic_name(n.topic) in ("BuildStateChanged", "BuildCommandRecorded", "BuildFinished")]
    assert progress and {e.actor for e in progress} == {worker.name}


def test_an_import_is_synced_by_a_worker_through_rabbitmq(broker_settings, open_docsplane, background, tmp_path):
    docsplane = open_docsplane(broker_settings())
    repo = git_repository(tmp_path / "repo", build_config("echo hi"))
    git(repo, "tag", "v1.0")
    running = background(docsplane)
    worker = running.start_worker()

    slug = project_of(docsplane, repo)

    def synced():
        project = docsplane.read_model.project(slug, "alice")  # None until projected
        if project is None:
            return None
        page = docsplane.read_model.versions(project, "alice", {}, limit=10, offset=0)
        return {v["slug"]: v for v in page.results} if page.count == 4 else None

    versions = wait_for(synced, what="the sync of the import")
    assert sorted(versions) == ["latest", "main", "stable", "v1.0"] and versions["stable"]["alias_of"] == "v1.0"
    created = [docsplane.app.mapper.to_domain_event(n) for n in events_of(docsplane, "VersionCreated")]
    assert {e.slug: e.actor for e in created}["v1.0"] == worker.name
    wait_for(lambda: worker.running is None and not worker.waiting, 10, "the sync job acknowledged")


def test_two_workers_handed_one_build_run_it_once(broker_settings, open_docsplane, background, tmp_path):
    settings = broker_settings()
    docsplane = open_docsplane(settings)
    slug = project_of(docsplane, git_repository(tmp_path / "repo", build_config("echo once", "sleep 1")))
    running = background(docsplane)
    workers = [running.start_worker(), running.start_worker()]

    number = docsplane.builds.trigger_build("alice", slug).value
    with connection(settings) as conn:  # the same job again, as a redelivery would bring it
        publish_job(conn, {"build": number}, build_queue(settings.build_queue))

    build = finished(docsplane, slug, number)
    assert build["success"] is True, build["error"]
    assert [e.worker for e in map(docsplane.app.mapper.to_domain_event, events_of(docsplane, "BuildLeased"))] in (
        [workers[0].name], [workers[1].name])
    assert sum("echo once" in c["command"] for c in commands_of(docsplane, number)) == 1
    wait_for(lambda: all(w.running is None and not w.waiting for w in workers), 10, "both jobs acknowledged")


def test_racing_leases_resolve_to_one_worker(broker_settings, open_docsplane, tmp_path):
    settings = broker_settings()
    first = open_docsplane(settings)
    second = open_docsplane(settings)  # another process's view of the same stores
    slug = project_of(first, tmp_path)
    numbers = [first.builds.trigger_build("alice", slug).value for _ in range(5)]
    for number in numbers:
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def take(container, name, number=number, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                container.build_leases.lease_build(name, number)
                outcomes[name] = "leased"
            except StateMovedOn:
                outcomes[name] = "refused"

        threads = [threading.Thread(target=take, args=(c, n)) for c, n in ((first, "w1"), (second, "w2"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["leased", "refused"], outcomes
    assert len(events_of(first, "BuildLeased")) == len(numbers)


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # a zombie has ended too
    except (FileNotFoundError, ProcessLookupError):
        return True


def worker_process(settings) -> subprocess.Popen:
    script = Path(sys.executable).parent / "docsplane"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "docsplane.cli"]
    env = {**os.environ, **settings.as_environ()}
    return subprocess.Popen([*command, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def hanging_first_attempt(docsplane, tmp_path) -> tuple[str, Path]:
    """A project whose build step hangs on its first attempt (its pid in the returned file) and
    prints "second attempt" on the next, finding the marker the first one left."""
    marker, pid_file = tmp_path / "attempted", tmp_path / "sleep.pid"
    step = f"if [ -e {marker} ]; then echo second attempt; else touch {marker}; echo $$ > {pid_file}; exec sleep 30; fi"
    return project_of(docsplane, git_repository(tmp_path / "repo", build_config(step))), pid_file


def test_a_worker_killed_mid_build_has_its_build_retried_once(broker_settings, open_docsplane, background, tmp_path):
    """The first attempt hangs (and is killed); the retry finds the marker it left and succeeds."""
    settings = broker_settings()
    docsplane = open_docsplane(settings)
    slug, pid_file = hanging_first_attempt(docsplane, tmp_path)
    background(docsplane)
    killed = worker_process(settings)
    try:
        number = docsplane.builds.trigger_build("alice", slug).value
        wait_for(pid_file.exists, 30, "the first attempt's step to start")
        wait_for(lambda: build_row(docsplane, slug, number)["state"] == "building", 10, "the build state")
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)  # its step, left behind in its own session

        wait_for(lambda: events_of(docsplane, "BuildRetried"), LEASE + 10, "the retry")
        assert build_row(docsplane, slug, number)["state"] != "finished"
        replacement = worker_process(settings)
        try:
            build = finished(docsplane, slug, number)
        finally:
            replacement.terminate()
            replacement.wait(10)
    finally:
        if killed.poll() is None:
            killed.kill()
    assert build["success"] is True, build["error"]
    retried = docsplane.app.mapper.to_domain_event(events_of(docsplane, "BuildRetried")[0])
    assert (retried.attempt, retried.actor) == (2, "reaper")
    assert "second attempt\n" in [c["output"] for c in commands_of(docsplane, number)]


def test_a_frozen_worker_that_lost_its_lease_stops_its_attempt_and_writes_nothing_of_it(
        broker_settings, open_docsplane, background, tmp_path):
    """It wakes up after the reaper retried its build, before another worker took it: its old
    attempt is refused (the killed step is not recorded, the build not failed), then it is free
    to run the retry's job like any worker."""
    settings = broker_settings()
    docsplane = open_docsplane(settings)
    slug, pid_file = hanging_first_attempt(docsplane, tmp_path)
    background(docsplane)
    frozen = worker_process(settings)
    try:
        number = docsplane.builds.trigger_build("alice", slug).value
        wait_for(pid_file.exists, 30, "the first attempt's step to start")
        frozen.send_signal(signal.SIGSTOP)
        wait_for(lambda: events_of(docsplane, "BuildRetried"), LEASE + 10, "the retry")
        frozen.send_signal(signal.SIGCONT)
        wait_for(lambda: gone(int(pid_file.read_text())), 10, "its step killed")
        build = finished(docsplane, slug, number)
    finally:
        frozen.terminate()
        frozen.wait(10)
    assert build["success"] is True, build["error"]
    assert [(c["output"], c["exit_code"]) for c in commands_of(docsplane, number) if "attempt" in c["command"]] == [
        ("second attempt\n", 0)]


def test_a_build_whose_worker_stops_twice_fails_clearly(make_settings, open_docsplane, background, tmp_path):
    """No worker at all: a lease taken and never renewed, twice."""
    docsplane = open_docsplane(make_settings("sqlite", DOCSPLANE_BUILD_LEASE_SECONDS=0.3))
    slug = project_of(docsplane, tmp_path)
    number = docsplane.builds.trigger_build("alice", slug).value
    background(docsplane, projector_loop, reaper_loop)

    docsplane.build_leases.lease_build("ghost-1", number)
    wait_for(lambda: events_of(docsplane, "BuildRetried"), 10, "the retry")
    wait_for(lambda: build_row(docsplane, slug, number)["state"] == "triggered", 10, "the retry to be projected")
    docsplane.build_leases.lease_build("ghost-2", number)

    build = finished(docsplane, slug, number, timeout=10)
    assert (build["success"], build["error"]) == (False, f"{WORKER_LOST} (attempt 2 of 2).")
    assert docsplane.store.fetchall("SELECT * FROM build_leases") == []


def test_a_worker_skips_jobs_of_unknown_finished_and_cancelled_builds(broker_settings, open_docsplane, background, tmp_path):
    settings = broker_settings()
    docsplane = open_docsplane(settings)
    slug = project_of(docsplane, tmp_path)
    done = docsplane.builds.trigger_build("alice", slug).value
    docsplane.builds.finish_build("someone", done, True)
    cancelled = docsplane.builds.trigger_build("alice", slug).value
    docsplane.builds.cancel_build("alice", slug, cancelled)
    head = event_log(docsplane)[-1].id
    worker = build_worker(docsplane, connection(settings))
    running = background(docsplane, projector_loop)
    running.start_worker(worker)

    with connection(settings) as conn:
        for number in (done, cancelled, 999_999):
            publish_job(conn, {"build": number}, build_queue(settings.build_queue))
        publish_job(conn, "not a job", build_queue(settings.build_queue))
        bound = build_queue(settings.build_queue)(conn.default_channel)
        wait_for(lambda: bound.queue_declare(passive=True).message_count == 0 and worker.running is None, 10, "the jobs")
    assert event_log(docsplane)[-1].id == head  # nothing written


def test_embedded_start_queues_again_the_jobs_lost_with_the_last_process(make_settings, open_docsplane, background, tmp_path):
    settings = make_settings("sqlite", DOCSPLANE_BUILD_QUEUE=unique_name("builds"))  # no broker: memory://
    docsplane = open_docsplane(settings)
    slug = project_of(docsplane, git_repository(tmp_path / "repo", build_config("echo hi")))
    number = docsplane.builds.trigger_build("alice", slug).value
    Dispatcher(docsplane.app, docsplane.store, settings).follower.catch_up()
    with connection(settings) as conn:  # the process that held the job in memory is gone
        assert build_queue(settings.build_queue)(conn.default_channel).purge() == 1

    assert requeue_waiting(docsplane) == 1
    background(docsplane, projector_loop).start_worker()

    assert finished(docsplane, slug, number)["success"] is True
