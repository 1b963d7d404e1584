"""The status report over real stores (docsplane/health.py): positions and lags after writes, and what
the loops record (workers/following/loop_status.py) as another process would read it."""

from __future__ import annotations

import threading
import time

from integration_support import head, populate

from docsplane.health import system_status
from projections.following.schema import create_tables
from workers.following.log_follower import LogFollower
from workers.following.loop import SupervisedLoop
from workers.following.loop_status import Heartbeat


def wait_for(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def positions(report: dict) -> dict[str, tuple[str, int, int]]:
    return {p["name"]: (p["kind"], p["position"], p["lag"]) for p in report["positions"]}


def test_positions_and_lags_follow_the_writes(docsplane):
    populate(docsplane)
    projects = next(p for p in docsplane.projectors if p.name == "projects")
    projects.catch_up()
    LogFollower("relay", docsplane.app, docsplane.store, lambda batch: None, batch_size=5).run_batch()

    report = system_status(docsplane)

    log_head = head(docsplane)
    assert report["head"] == log_head > 5
    assert positions(report)["projects"] == ("projector", log_head, 0)
    kind, at, lag = positions(report)["relay"]
    assert kind == "follower" and at < log_head and lag == log_head - at
    assert [d["status"] for d in report["dependencies"]] == ["ok", "ok"]
    assert report["status"] == "ok"  # behind, but within DOCSPLANE_HEALTH_MAX_LAG, and no loop reports


def test_lag_beyond_the_threshold_is_degraded_until_the_projectors_catch_up(backend, make_settings, open_docsplane):
    docsplane = open_docsplane(make_settings(backend, DOCSPLANE_HEALTH_MAX_LAG="3"))
    docsplane.users.create_user("alice")
    docsplane.catch_up()
    assert system_status(docsplane)["status"] == "ok"

    for n in range(4):  # each at least one event, none projected
        docsplane.users.create_user(f"user{n}")

    lagging = system_status(docsplane)
    assert lagging["status"] == "degraded"
    assert "projector users is " in lagging["message"] and "notifications behind (more than 3)" in lagging["message"]
    docsplane.catch_up()
    assert system_status(docsplane)["status"] == "ok"


class Flaky:
    """A loop step that fails while `failing` is set, as a batch does while its database is away."""

    def __init__(self):
        self.failing = threading.Event()
        self.failing.set()

    def run_batch(self) -> bool:
        if self.failing.is_set():
            raise ConnectionError("the broker went away")
        return False


def test_a_loop_error_is_seen_by_another_process_and_cleared_on_recovery(docsplane, open_docsplane):
    other = open_docsplane(docsplane.settings)  # as another process would: its own connections, the same tables
    step = Flaky()
    loop = SupervisedLoop("relay", [step], poll_interval=0.01, max_backoff=0.05)
    loop.heartbeat = Heartbeat(docsplane.store, "relay", instance="box:1")
    thread = loop.start_thread()
    try:
        failing = wait_for(lambda: [l for l in system_status(other)["loops"] if l["state"] == "error"])
        assert failing[0]["name"] == "relay" and failing[0]["instance"] == "box:1"
        assert failing[0]["last_error"] == "ConnectionError: the broker went away" and failing[0]["last_error_at"]
        assert system_status(other)["status"] == "degraded"

        step.failing.clear()

        recovered = wait_for(lambda: [l for l in system_status(other)["loops"] if l["state"] == "ok"])
        assert recovered[0]["last_error"] is None and recovered[0]["last_error_at"] is None
        assert system_status(other)["status"] == "ok"
    finally:
        loop.request_stop()
        thread.join(5)
    assert system_status(other)["loops"] == []  # a clean stop removes its row


def test_heartbeats_are_throttled_and_survive_a_read_model_rebuild(docsplane):
    now = [100.0]
    heartbeat = Heartbeat(docsplane.store, "projector", instance="box:2", every=5.0, clock=lambda: now[0])
    heartbeat.beat()
    first = system_status(docsplane)["loops"][0]["heartbeat"]
    now[0] += 1.0
    heartbeat.beat()
    assert system_status(docsplane)["loops"][0]["heartbeat"] == first  # no write within `every`
    heartbeat.beat("OperationalError: gone")  # but an error is written at once
    assert system_status(docsplane)["loops"][0]["last_error"] == "OperationalError: gone"
    with docsplane.store.transaction() as tx:
        tx.execute("UPDATE read_model_schema SET fingerprint = 'an older schema'")

    create_tables(docsplane.store)  # a schema change drops the read models, not the loops' status

    assert [l["instance"] for l in system_status(docsplane)["loops"]] == ["box:2"]
    now[0] += 5.0
    heartbeat.beat()
    assert system_status(docsplane)["loops"][0]["heartbeat"] != first


def test_rows_of_dead_processes_of_this_host_are_forgotten(docsplane):
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    host = socket.gethostname()
    Heartbeat(docsplane.store, "projector", instance=f"{host}:{gone}").beat()
    Heartbeat(docsplane.store, "relay", instance="elsewhere:1").beat()

    Heartbeat(docsplane.store, "webhooks")  # a process starting on this host

    assert {l["instance"] for l in system_status(docsplane)["loops"]} == {"elsewhere:1"}
