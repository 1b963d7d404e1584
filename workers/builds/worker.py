"""The build worker (`docsplane worker`, or a thread of `docsplane serve` in the embedded mode):
consumes build jobs (the build queue) one at a time and runs each with the BuildRunner.

- prefetch_count=1, and a job is acknowledged only once its build has ended (acks late).
- Before running a build the worker takes its lease (BuildLeaseCommands), so a build runs
  once at a time however many workers were handed its job: the others acknowledge and skip it, as
  they do a job for an unknown, finished, cancelled or already running build. A LeaseKeeper renews
  the lease while the build runs and stops the build when a maintainer cancels it.
- The build runs in a thread of its own, so that the consuming thread keeps the broker connection
  alive (heartbeats) and acknowledges on the channel the job came on.
- A worker killed mid-build stops renewing its lease; the lease reaper retries the
  build once or ends it. A failure of the worker itself (not of the build) gives the build up the
  same way at once.
- A version sync job ({"sync": <project id>}, from the sync queue) runs the same way, without a
  lease: a sync is safe to repeat, and one that fails is logged and dropped (the next build or sync
  request tries again)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass

from kombu.exceptions import MessageStateError
from kombu.mixins import ConsumerMixin

from commands.handling.request_context import on_behalf_of, request_context
from domain.errors import FieldError, StateMovedOn, UnknownResource
from domain.ids import build_id
from workers.builds.runner import BuildRunner
from workers.builds.lease_keeper import LeaseKeeper
from workers.following.loop_status import Heartbeat
from workers.queues import sync_queue

log = logging.getLogger("docsplane.worker")

# How often the consuming thread looks up from the broker to acknowledge a finished build.
TICK = 0.2
# A job the worker could not even start (the event store away) goes back to the queue after this.
REQUEUE_DELAY = 1.0


def worker_name() -> str:
    """Unique per worker: the lease's holder, and the actor of everything the build writes."""
    return f"worker:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Job:
    number: int | None  # the build's; None for a version sync
    message: object  # kombu Message
    thread: threading.Thread | None = None
    requeue: bool = False
    sync: str | None = None  # the project id of a version sync job
    correlation_id: str | None = None

    @property
    def label(self) -> str:
        return f"sync-{self.sync}" if self.sync else f"build-{self.number}"


class BuildWorker(ConsumerMixin):
    def __init__(self, *, app, runner: BuildRunner, leases, lease_queries, lease_seconds: float, heartbeat: Heartbeat,
                 connection, queue, name: str):
        self.app = app
        self.runner = runner  # runs as `name`: the lease's holder writes the build's events
        self.syncer = runner.syncer
        self.leases, self.lease_queries, self.lease_seconds = leases, lease_queries, lease_seconds
        self.connection = connection
        self.queue = queue
        self.sync_queue = sync_queue(self.queue.name)
        self.name = name
        self.running: Job | None = None
        self.waiting: list[Job] = []  # received, not started yet (more than one only after a reconnect)
        self.stopping = False
        # Seen by `docsplane status` as loop "worker"; the consuming thread beats every TICK (throttled).
        self.heartbeat = heartbeat

    def run_until_stopped(self) -> None:
        """Consume until `stop()`. kombu reconnects by itself after connection errors; anything
        else is logged and consuming starts again, as the other loops are supervised."""
        while not self.should_stop:
            try:
                self.run(safety_interval=TICK)
            except Exception as error:
                log.exception("%s: consuming failed; starting again", self.name)
                self.heartbeat.beat(f"{type(error).__name__}: {error}")
                time.sleep(REQUEUE_DELAY)
        self.heartbeat.forget()

    def stop(self) -> None:
        """Take no new job; return from `run_until_stopped` once the running build has ended."""
        self.stopping = True

    def get_consumers(self, Consumer, channel):
        return [Consumer(queues=[queue], callbacks=[self.on_job], accept=["json"], prefetch_count=1)
                for queue in (self.queue, self.sync_queue)]

    def on_job(self, body, message) -> None:
        if isinstance(body, dict) and isinstance(body.get("sync"), str):
            self.waiting.append(Job(None, message, sync=body["sync"], correlation_id=body.get("correlation_id")))
            return
        number = body.get("build") if isinstance(body, dict) else None
        if not isinstance(number, int) or isinstance(number, bool):
            log.error("%s: not a build job, dropped: %r", self.name, body)
            message.reject()
            return
        if self.running is not None and self.running.number == number:
            self.running.message = message  # redelivered after a reconnect: acknowledge this one
            return
        self.waiting.append(Job(number, message))

    def on_connection_error(self, exc, interval) -> None:
        super().on_connection_error(exc, interval)
        self.heartbeat.beat(f"broker: {type(exc).__name__}: {exc}")

    def on_iteration(self) -> None:
        self.heartbeat.beat()
        running = self.running
        if running is not None and not running.thread.is_alive():
            self.running = None
            self._settle(running)
        if self.running is None and self.waiting:
            if self.stopping:
                for job in self.waiting:
                    self._settle(job, requeue=True)
                self.waiting = []
            else:
                self._start(self.waiting.pop(0))
        if self.stopping and self.running is None:
            self.should_stop = True

    def _start(self, job: Job) -> None:
        job.thread = threading.Thread(target=self.run_job, args=(job,), name=job.label, daemon=True)
        self.running = job
        job.thread.start()

    def _settle(self, job: Job, requeue: bool = False) -> None:
        try:
            if requeue or job.requeue:
                job.message.requeue()
            else:
                job.message.ack()
        except (MessageStateError, *self.connection_errors, *self.channel_errors) as error:
            # The channel it came on is gone: the broker delivers the job again, and the lease decides.
            log.warning("%s: could not settle the job %s: %s", self.name, job.label, error)

    def run_job(self, job: Job) -> None:
        """Everything the job writes shares a request id, and the correlation id of the request
        that triggered the build (of the sync's request, for a sync)."""
        if job.sync:
            with request_context(correlation_id=job.correlation_id):
                self.syncer.sync_project(job.sync)
            return
        with on_behalf_of(self.app, build_id(job.number)):
            self._run_job(job)

    def _run_job(self, job: Job) -> None:
        number = job.number
        try:
            self.leases.lease_build(self.name, number)
        except (UnknownResource, StateMovedOn, FieldError) as refusal:
            log.info("%s: job of build %s skipped: %s", self.name, number, refusal)
            return
        except Exception:
            log.exception("%s: could not lease build %s; the job goes back to the queue", self.name, number)
            time.sleep(REQUEUE_DELAY)
            job.requeue = True
            return
        log.info("%s: running build %s", self.name, number)
        cancelled = threading.Event()
        with LeaseKeeper(self.leases, self.lease_queries, self.lease_seconds, self.name, number, cancelled) as keeper:
            try:
                self.runner.run(number, cancelled)
            except StateMovedOn as refusal:  # what it wrote was refused: the lease is no longer ours
                log.warning("%s: build %s stopped, its lease lost: %s", self.name, number, refusal)
            except Exception as error:
                log.exception("%s: build %s: the worker failed", self.name, number)
                if not keeper.lost:
                    self._give_up(number, type(error).__name__)  # the name only: the text may hold secrets

    def _give_up(self, number: int, reason: str) -> None:
        try:
            outcome = self.leases.give_up(self.name, number, reason).value
            log.warning("%s: build %s given up: %s", self.name, number, outcome)
        except Exception:  # the lease then expires, and the reaper does the same
            log.exception("%s: could not give build %s up", self.name, number)
