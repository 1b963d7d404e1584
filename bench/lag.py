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
import time
import uuid

from bench.support import (
    PG_HOST, PG_PORT, PG_USER, BenchFailed, Config, Row, Services, fresh_database, percentile, service_env,
)

RATE, WRITERS, PROJECTION = 300, 3, "builds"


def _writer(index: int, env: dict, rate: float, start_at: float, seconds: float, queue) -> None:
    """Append one Build every 1/rate s from start_at; report (id, appended, due) per write."""
    try:
        from commands.application import DocsplaneApplication
        from domain.build import Build

        app = DocsplaneApplication(env=env)
        project_id, version_id = uuid.uuid4(), uuid.uuid4()
        numbers = itertools.count((index + 1) * 1_000_000_000)
        writes = []
        for i in range(int(rate * seconds)):
            due = start_at + i / rate
            time.sleep(max(0.0, due - time.monotonic()))
            recordings = app.save(Build(number=next(numbers), project_id=project_id, project_slug="bench",
                                        version_id=version_id, version_slug="latest", actor="bench"))
            writes.append((recordings[-1].notification.id, time.monotonic(), due))
        queue.put(("writes", writes))
    except Exception as error:
        queue.put(("error", f"writer {index}: {type(error).__name__}: {error}"))


def _watcher(dbname: str, stop_at: float, queue) -> None:
    """Poll the projection's position; report each change as (position, first seen)."""
    try:
        import psycopg2

        conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname)
        conn.autocommit = True
        changes, last = [], None
        with conn.cursor() as cursor:
            while time.monotonic() < stop_at:
                cursor.execute("SELECT position FROM projection_positions WHERE name = %s", (PROJECTION,))
                row = cursor.fetchone()
                seen = time.monotonic()
                if row is not None and row[0] != last:
                    last = row[0]
                    changes.append((last, seen))
                time.sleep(0.002)
        queue.put(("changes", changes))
    except Exception as error:
        queue.put(("error", f"watcher: {type(error).__name__}: {error}"))


def measure_lag(env: dict, cfg: Config) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    seconds = cfg.warmup + cfg.duration
    start_at = time.monotonic() + 5  # time for the processes to start and connect
    writer_env = {**env, "CREATE_TABLE": "false", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "1"}
    procs = [ctx.Process(target=_writer, args=(i, writer_env, RATE / WRITERS, start_at, seconds, queue), daemon=True)
             for i in range(WRITERS)]
    procs.append(ctx.Process(target=_watcher, args=(env["POSTGRES_DBNAME"], start_at + seconds + 5, queue), daemon=True))
    for p in procs:
        p.start()
    writes, changes = [], None
    try:
        for _ in procs:
            kind, value = queue.get(timeout=seconds + 60)
            if kind == "error":
                raise BenchFailed(value)
            if kind == "writes":
                writes += value
            else:
                changes = value
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    return lags(writes, changes, start_at + cfg.warmup, cfg.duration)


def lags(writes: list, changes: list, window_start: float, duration: float) -> dict:
    positions = [position for position, _ in changes]
    measured = [(nid, appended, due) for nid, appended, due in writes if due >= window_start]
    late = max(appended - due for _, appended, due in measured)
    if late > 0.25:  # the writers could not keep the schedule: the load was not the one promised
        raise BenchFailed(f"the writers fell {late * 1000:.0f} ms behind the {RATE}/s schedule")
    result = []
    for nid, appended, _ in measured:
        at = bisect.bisect_left(positions, nid)
        if at == len(positions):
            raise BenchFailed(f"event {nid} never became visible in the '{PROJECTION}' read model")
        result.append(max(0.0, changes[at][1] - appended))
    return {"p50": percentile(result, 0.5) * 1000, "p99": percentile(result, 0.99) * 1000,
            "max": max(result) * 1000, "count": len(result), "rate": len(measured) / duration}


def run(cfg: Config) -> list[Row]:
    with fresh_database("lag") as dbname:
        workdir = cfg.workdir / "lag"
        with Services(workdir, service_env(dbname, workdir)) as services:
            services.create_user()  # creates the event-store and read-model tables
            services.projector()
            result = measure_lag(services.env, cfg)
            services.check_alive()
    return [Row(f"projection lag append -> visible, p99, at {RATE} writes/s", f"{result['p99']:.1f} ms", "-", "-",
                "<= 50 ms", result["p99"] <= 50,
                [f"lag p50 {result['p50']:.1f} ms, max {result['max']:.1f} ms over {result['count']} writes "
                 f"({result['rate']:.0f}/s)"])]
