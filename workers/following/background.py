"""Every background loop, made from the wired container, and the threads that run them beside the
API (`docsplane serve`, the end-to-end tests); each also runs alone as its own `docsplane` command.

    background = Background(docsplane)
    background.start(projector_loop(docsplane))     # any supervised loop
    background.start_worker()                         # a build worker
    background.stop()                                 # all of them, the worker once its build ended

`serving(docsplane)` starts what `docsplane serve` runs."""

from __future__ import annotations

import logging
import threading

from workers.following.log_wakeups import LogWakeups
from workers.following.loop import SupervisedLoop
from workers.following.loop_status import Heartbeat

log = logging.getLogger("docsplane.workers")


def reporting(docsplane, loop: SupervisedLoop) -> SupervisedLoop:
    """The loop, recording its heartbeat and last error for `docsplane status`."""
    loop.heartbeat = Heartbeat(docsplane.store, loop.name)
    return loop


def projector_loop(docsplane) -> SupervisedLoop:
    from workers.projector import ProjectorLoop

    return reporting(docsplane, ProjectorLoop(docsplane.projectors, docsplane.settings.poll_interval))


def dispatcher_loop(docsplane) -> SupervisedLoop:
    from workers.dispatcher import Dispatcher

    dispatcher = Dispatcher(docsplane.app, docsplane.store, docsplane.settings)
    return reporting(docsplane, SupervisedLoop("dispatcher", [dispatcher], docsplane.settings.poll_interval))


def relay_loop(docsplane) -> SupervisedLoop:
    from workers.relay import Relay

    settings = docsplane.settings
    relay = Relay(docsplane.app, docsplane.store, settings.amqp_url, settings.events_exchange)
    return reporting(docsplane, SupervisedLoop("relay", [relay], settings.poll_interval))


def webhooks_loop(docsplane) -> SupervisedLoop:
    from workers.webhooks.worker import webhooks_loop as loop

    return reporting(docsplane, loop(docsplane))


def artifacts_loop(docsplane) -> SupervisedLoop:
    from workers.artifact_cleaner import artifacts_loop as loop

    return reporting(docsplane, loop(docsplane))


def reaper_loop(docsplane) -> SupervisedLoop:
    from workers.builds.reaper import reap_interval
    from workers.wiring import lease_reaper

    return reporting(docsplane, SupervisedLoop("reaper", [lease_reaper(docsplane)], reap_interval(docsplane.settings)))


def build_worker(docsplane):
    from workers.queues import connection
    from workers.wiring import build_worker as wired

    return wired(docsplane, connection(docsplane.settings))


class Background:
    """Loops in daemon threads of this process, woken at once by its own writes, stopped together."""

    def __init__(self, docsplane):
        self.docsplane = docsplane
        self.wakeups = LogWakeups(docsplane.app) if LogWakeups.available(docsplane.app) else None
        self.loops: list[tuple[SupervisedLoop, threading.Thread]] = []
        self.workers: list[tuple[object, threading.Thread]] = []

    def start(self, loop: SupervisedLoop) -> SupervisedLoop:
        self.docsplane.app.listeners.append(lambda recordings: loop.wake.set())  # this process's saves
        if self.wakeups is not None:
            self.wakeups.add(loop)  # every process's appends, on PostgreSQL
        self.loops.append((loop, loop.start_thread()))
        return loop

    def start_worker(self, worker=None):
        worker = worker or build_worker(self.docsplane)
        thread = threading.Thread(target=worker.run_until_stopped, name="build-worker", daemon=True)
        thread.start()
        self.workers.append((worker, thread))
        return worker

    def stop(self, timeout: float = 10.0) -> None:
        if self.wakeups is not None:
            self.wakeups.close()
        for worker, _ in self.workers:
            worker.stop()
        for loop, _ in self.loops:
            loop.request_stop()
        for _, thread in [*self.workers, *self.loops]:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("%s did not stop within %.0f s", thread.name, timeout)


def serving(docsplane) -> Background:
    """Start what runs beside the API, so one command runs the whole service: the projector (unless
    DOCSPLANE_RUN_PROJECTOR=false), the dispatcher, a build worker, its lease reaper and the artifact
    cleaner (unless DOCSPLANE_RUN_WORKER=false), the webhooks (unless DOCSPLANE_RUN_WEBHOOKS=false) and, with a
    broker, the relay. Without a broker the job queue lives in this process's memory, so jobs lost
    by a previous run are queued again first."""
    settings = docsplane.settings
    background = Background(docsplane)
    if settings.run_projector:
        background.start(projector_loop(docsplane))
    background.start(dispatcher_loop(docsplane))
    if settings.amqp_url:
        background.start(relay_loop(docsplane))
    if settings.run_worker:
        if not settings.amqp_url:
            from workers.builds.reaper import requeue_waiting

            requeue_waiting(docsplane)
        background.start(reaper_loop(docsplane))
        background.start(artifacts_loop(docsplane))
        background.start_worker()
    if settings.run_webhooks:
        background.start(webhooks_loop(docsplane))
    return background
