"""Figures 1 and 2: build-trigger POSTs/s through HTTP (gunicorn, production settings) against a
bare `Application.save` of the same event, and against pgbench's single-row insert TPS, all on
one fresh database of the same PostgreSQL server, with the same number of client processes.

  HTTP:     `docsplane users create`, `docsplane projector` as its own process, the API under
            gunicorn, one project imported; then the clients POST /api/v3/projects/<slug>/builds/
            in a closed loop. Only 201/202 count; afterwards the API must list exactly as many
            builds as it acknowledged.
  save:     the API and projector stopped, the clients each save a new `domain.build.Build` with
            `DocsplaneApplication(env=...).save` in a loop, into a fresh schema of the same database.
  pgbench:  `pgbench -f` with one INSERT of a row the size of a stored event, same client count.
  ceilings: what any build trigger over HTTP is bounded by on this machine, measured with the same
            gunicorn settings and clients (bench.bare_app): a bare Flask POST route that saves
            the same event with the bare application (HTTP plus the save, no authentication, no
            loading, no projection, no answer to read), and a bare POST route that touches no
            database at all. Shown for the reader, with no target of their own.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import time
import uuid

from bench.support import (
    PG_HOST, PG_PORT, PG_USER, BenchFailed, Config, Row, Services, _closed_loop, admin_execute, event_store_env,
    fail_on_errors, http_load, import_project, percent, run_load, service_env, summarize, transactions,
)

BASELINE_SCHEMA = "baseline"


def run(cfg: Config) -> list[Row]:
    from bench.support import fresh_database

    with fresh_database("trigger") as dbname:
        with Services(cfg.workdir / "trigger", service_env(dbname, cfg.workdir / "trigger")) as services:
            http = http_triggers(services, cfg)
        save = bare_saves(dbname, cfg)
        ceilings = bare_http_writes(dbname, cfg)
        tps = pgbench_inserts(dbname, cfg)
    note = (f"HTTP p50 {http['p50']:.1f} ms, p99 {http['p99']:.1f} ms, {http['status'][201]} x 201, "
            f"{http['status'][202]} x 202, ~{http['tx_per_op']:.0f} PostgreSQL transactions per trigger; "
            f"save p50 {save['p50']:.1f} ms, ~{save['tx_per_op']:.1f} transactions per save")
    ratio_save, ratio_pg = http["rate"] / save["rate"], http["rate"] / tps
    return [
        Row(f"build trigger POST/s (HTTP, {cfg.clients} clients)", f"{http['rate']:.0f}/s",
            f"bare Application.save {save['rate']:.0f}/s", percent(ratio_save), ">= 50%", ratio_save >= 0.5, [note]),
        Row("the same", f"{http['rate']:.0f}/s", f"pgbench single-row INSERT {tps:.0f} TPS", percent(ratio_pg),
            ">= 40%", ratio_pg >= 0.4),
        Row("  ceiling: bare Flask POST route doing only the bare save", f"{ceilings['save']:.0f}/s",
            f"bare Application.save {save['rate']:.0f}/s", percent(ceilings["save"] / save["rate"]), "-", True),
        Row("  ceiling: bare Flask POST route, no database", f"{ceilings['post']:.0f}/s",
            f"pgbench single-row INSERT {tps:.0f} TPS", percent(ceilings["post"] / tps), "-", True),
    ]


def http_triggers(services: Services, cfg: Config) -> dict:
    import requests

    base, auth = services.api()
    slug = import_project(base, auth)
    url = f"{base}/api/v3/projects/{slug}/builds/"
    dbname = services.env["POSTGRES_DBNAME"]
    summary = http_load("build trigger over HTTP", {"method": "POST", "url": url, "headers": auth, "json": {},
                                                    "ok": (201, 202)},
                        cfg.clients, cfg.warmup, cfg.duration, probe=lambda: transactions(dbname))
    services.check_alive()
    # Every acknowledged trigger must show up as a build, and nothing else.
    deadline, listed = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        response = requests.get(url, headers=auth, params={"limit": 1}, timeout=10)
        if response.status_code != 200:
            raise BenchFailed(f"GET builds: HTTP {response.status_code}: {response.text[:600]}")
        listed = response.json()["count"]
        if listed == summary["total_ok"]:
            return summary
        time.sleep(0.2)
    raise BenchFailed(f"the API acknowledged {summary['total_ok']} triggers but lists {listed} builds")


def _saver(index, env, barrier, warmup, duration, queue):
    """One baseline process: create and save a Build aggregate with the bare application."""

    def make_operation():
        from commands.handling.application import DocsplaneApplication
        from domain.build import Build

        app = DocsplaneApplication(env=env)
        project_id, version_id = uuid.uuid4(), uuid.uuid4()
        numbers = itertools.count((index + 1) * 1_000_000_000)

        def save():
            try:
                app.save(Build(number=next(numbers), project_id=project_id, project_slug="bench",
                               version_id=version_id, version_slug="latest", actor="bench"))
            except Exception as error:
                return type(error).__name__, f"{type(error).__name__}: {error}"
            return "saved", None

        return save

    _closed_loop("saver", index, make_operation, barrier, warmup, duration, queue)


def bare_saves(dbname: str, cfg: Config) -> dict:
    from commands.handling.application import DocsplaneApplication

    admin_execute(f'CREATE SCHEMA "{BASELINE_SCHEMA}"', dbname)
    env = event_store_env(dbname, BASELINE_SCHEMA)
    DocsplaneApplication(env=env).close()  # creates the tables once, before the savers start
    env["CREATE_TABLE"] = "false"  # bare library: its DDL at start-up races (docsplane serializes it)
    # One thread per saver needs one connection (the default pool of 5 per process would exhaust
    # max_connections with many clients).
    env["POSTGRES_POOL_SIZE"], env["POSTGRES_MAX_OVERFLOW"] = "1", "1"
    results, probes = run_load(_saver, lambda i: (env,), cfg.clients, cfg.warmup, cfg.duration,
                               probe=lambda: transactions(dbname))
    summary = summarize(results, cfg.duration, probes)
    fail_on_errors("bare Application.save", summary)
    return summary


def bare_http_writes(dbname: str, cfg: Config) -> dict:
    """The ceilings' POSTs/s (bench.bare_app under the API's gunicorn settings): the bare save
    route into the bare savers' schema (made by bare_saves), and the route without a database."""
    env = {**service_env(dbname, cfg.workdir / "ceilings"), **event_store_env(dbname, BASELINE_SCHEMA),
           "CREATE_TABLE": "false", "POSTGRES_POOL_SIZE": "4", "POSTGRES_MAX_OVERFLOW": "4"}
    with Services(cfg.workdir / "ceilings", env) as services:
        base = services.gunicorn("bench.bare_app:app", name="bare", probe="/bare/")
        rates = {}
        for name, path in (("save", "/bare/save/"), ("post", "/bare/")):
            summary = http_load(f"bare POST {path}", {"method": "POST", "url": base + path, "json": {}, "ok": (201,)},
                                cfg.clients, cfg.warmup, cfg.duration)
            services.check_alive()
            rates[name] = summary["rate"]
    return rates


# One row about the size of a stored BuildTriggered event (its JSON state is ~250 bytes).
PGBENCH_SCRIPT = "INSERT INTO pgbench_inserts (topic, state) VALUES ('domain.build:Build.Triggered', repeat('x', 250));\n"


def pgbench_inserts(dbname: str, cfg: Config) -> float:
    """pgbench's TPS of one single-row INSERT per transaction, with the same number of clients."""
    admin_execute("CREATE TABLE pgbench_inserts (id BIGSERIAL PRIMARY KEY, topic TEXT NOT NULL, state TEXT NOT NULL)",
                  dbname)
    script = cfg.workdir / "pgbench-insert.sql"
    script.write_text(PGBENCH_SCRIPT)
    argv = ["pgbench", "-n", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-f", str(script),
            "-c", str(cfg.clients), "-j", str(min(cfg.clients, 2)), "-T", str(int(cfg.warmup + cfg.duration)), dbname]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=cfg.warmup + cfg.duration + 60)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if done.returncode != 0 or match is None or (failed and int(failed[1])):
        raise BenchFailed(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(match[1])
