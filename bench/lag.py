"""Figure 4: projection lag, append -> visible in the read model, at a steady 300 writes/s.

`docsplane projector` runs as its own process. Writer processes append `BuildTriggered` events
(a new `domain.build.Build` saved with the bare application) on a fixed schedule, 300 per second
in all, and note each one's notification id and the monotonic time its save returned. A watcher
process polls the `builds` projection's position every ~2 ms and notes when it changed. An event's
lag is the first time the position reached its id minus the time it was appended (CLOCK_MONOTONIC
is one clock for every process of the machine). Only the writes after the warm-up count."""

from __future__ import annotations

import bisect
import itertools
import multiprocessing
import threading
import time
import uuid

from bench.support import (
    PG_HOST, PG_PORT, PG_USER, BenchFailed, Config, Row, Services, admin_execute, fresh_database, percentile,
    service_env,
)

RATE, WRITERS, PROJECTION = 300, 3, "builds"


def _writer(index: int, env: dict, rate: float, barrier, seconds: float, queue) -> None:
    """Once every process is ready, append one Build every 1/rate s; report (id, appended, how late
it was sent) per write. A writer that falls behind sends at once until it is back on schedule."""
    try:
        from commands.handling.application import DocsplaneApplication
        from domain.build import Build

        app = DocsplaneApplication(env=env)
        project_id, version_id = uuid.uuid4(), uuid.uuid4()
        numbers = itertools.count((index + 1) * 1_000_000_000)
        writes = []
        barrier.wait(timeout=60)
        start_at = time.monotonic() + 0.1
        for i in range(int(rate * seconds)):
            due = start_at + i / rate
            time.sleep(max(0.0, due - time.monotonic()))
            sent = time.monotonic()
            recordings = app.save(Build(number=next(numbers), project_id=project_id, project_slug="bench",
                                        version_id=version_id, version_slug="latest", actor="bench"))
            writes.append((recordings[-1].notification.id, time.monotonic(), sent - due))
        queue.put(("writes", writes))
    except Exception as error:
        barrier.abort()
        queue.put(("error", f"writer {index}: {type(error).__name__}: {error}"))


def _watcher(dbname: str, barrier, stop, queue) -> None:
    """Poll the projection's position; report each change as (position, first seen)."""
    try:
        import psycopg2

        conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname)
        conn.autocommit = True
        changes, last = [], None
        barrier.wait(timeout=60)
        with conn.cursor() as cursor:
            while not stop.is_set():
                cursor.execute("SELECT position FROM projection_positions WHERE name = %s", (PROJECTION,))
                row = cursor.fetchone()
                seen = time.monotonic()
                if row is not None and row[0] != last:
                    last = row[0]
                    changes.append((last, seen))
                time.sleep(0.002)
        queue.put(("changes", changes))
    except Exception as error:
        barrier.abort()
        queue.put(("error", f"watcher: {type(error).__name__}: {error}"))


def measure_lag(env: dict, cfg: Config) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue, barrier, stop = ctx.Queue(), ctx.Barrier(WRITERS + 2), ctx.Event()
    seconds = cfg.warmup + cfg.duration
    writer_env = {**env, "CREATE_TABLE": "false", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "1"}
    procs = [ctx.Process(target=_writer, args=(i, writer_env, RATE / WRITERS, barrier, seconds, queue), daemon=True)
             for i in range(WRITERS)]
    procs.append(ctx.Process(target=_watcher, args=(env["POSTGRES_DBNAME"], barrier, stop, queue), daemon=True))
    for p in procs:
        p.start()
    writes, changes = [], None
    try:
        try:
            barrier.wait(timeout=90)
        except threading.BrokenBarrierError:
            pass  # a process failed to start: its report says why
        window_start = time.monotonic() + 0.1 + cfg.warmup
        for _ in procs:
            kind, value = queue.get(timeout=seconds + 60)
            if kind == "error":
                raise BenchFailed(value)
            if kind == "writes":
                writes += value
                if len(writes) == WRITERS * int(RATE / WRITERS * seconds):
                    wait_until_visible(env["POSTGRES_DBNAME"], max(nid for nid, _, _ in writes))
                    stop.set()
            else:
                changes = value
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    return lags(writes, changes, window_start, cfg.duration)


def wait_until_visible(dbname: str, nid: int, timeout: float = 120) -> None:
    """Wait for the projector to reach `nid`; a projector that does not within `timeout` is stuck."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = admin_execute("SELECT position FROM projection_positions WHERE name = %s", dbname, (PROJECTION,))
        if row is not None and row[0] >= nid:
            time.sleep(0.05)  # the watcher's next poll
            return
        time.sleep(0.1)
    raise BenchFailed(f"the '{PROJECTION}' projection did not reach event {nid} within {timeout:.0f} s")


def lags(writes: list, changes: list, window_start: float, duration: float) -> dict:
    """Each write's lag; `rate` is what the writers achieved in the window (behind schedule, the
    load was not the promised one, and the row says so)."""
    positions = [position for position, _ in changes]
    measured = [(nid, appended) for nid, appended, _ in writes if window_start <= appended < window_start + duration]
    late = percentile([late for _, _, late in writes], 0.99)
    result = []
    for nid, appended in measured:
        at = bisect.bisect_left(positions, nid)
        if at == len(positions):
            raise BenchFailed(f"event {nid} never became visible in the '{PROJECTION}' read model")
        result.append(max(0.0, changes[at][1] - appended))
    return {"p50": percentile(result, 0.5) * 1000, "p99": percentile(result, 0.99) * 1000,
            "max": max(result) * 1000, "count": len(result), "late": late * 1000, "rate": len(measured) / duration}


def run(cfg: Config) -> list[Row]:
    with fresh_database("lag") as dbname:
        workdir = cfg.workdir / "lag"
        with Services(workdir, service_env(dbname, workdir)) as services:
            services.create_user()  # creates the event-store and read-model tables
            services.projector()
            result = measure_lag(services.env, cfg)
            services.check_alive()
    steady = result["rate"] >= 0.95 * RATE
    return [Row(f"projection lag append -> visible, p99, at {RATE} writes/s",
                f"{result['p99']:.1f} ms" + ("" if steady else f" at only {result['rate']:.0f} writes/s"), "-", "-",
                "<= 50 ms", steady and result["p99"] <= 50,
                [f"lag p50 {result['p50']:.1f} ms, max {result['max']:.1f} ms over {result['count']} writes "
                 f"({result['rate']:.0f}/s, p99 {result['late']:.0f} ms behind schedule)"])]
