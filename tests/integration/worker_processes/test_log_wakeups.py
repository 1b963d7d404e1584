"""On PostgreSQL a loop in one process is woken by another process's append within milliseconds,
through LISTEN/NOTIFY, not at its next poll; and it keeps working after its connection is killed."""

import time

import pytest

from docsplane.bootstrap import build
from integration_support import project_settings
from workers.following.log_wakeups import LogWakeups
from workers.following.loop import SupervisedLoop

pytestmark = pytest.mark.postgres


class Counting:
    def __init__(self):
        self.calls = 0

    def run_batch(self) -> bool:
        self.calls += 1
        return False


def test_an_append_elsewhere_wakes_the_loop_at_once(make_settings):
    settings = make_settings("postgres")
    follower, writer = build(settings), build(settings)  # two containers: two processes' worth of connections
    step = Counting()
    loop = SupervisedLoop("sleepy", [step], poll_interval=60)  # it would otherwise sleep a minute
    wakeups = LogWakeups(follower.app)
    try:
        wakeups.add(loop)
        assert wakeups.listening.wait(5)
        loop.start_thread()
        time.sleep(0.3)
        before = step.calls
        started = time.monotonic()
        writer.projects.import_project("alice", project_settings("Woken"))
        while step.calls == before and time.monotonic() - started < 5:
            time.sleep(0.005)
        assert step.calls > before
        assert time.monotonic() - started < 1.0

        # A killed LISTEN connection is replaced; wakes keep coming.
        with writer.app.recorder.datastore.get_connection() as conn:
            killed = conn.execute("SELECT pg_terminate_backend(%s) AS done", (wakeups.backend_pid,)).fetchone()
        assert killed["done"] is True
        assert _soon(lambda: not wakeups.listening.is_set(), timeout=5)  # it noticed
        assert wakeups.listening.wait(10)  # and listens again
        before = step.calls
        writer.projects.import_project("alice", project_settings("Woken Again"))
        assert _soon(lambda: step.calls > before)
    finally:
        loop.request_stop()
        wakeups.close()
        follower.close()
        writer.close()


def _soon(condition, timeout=2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False
