"""Figure 3: GET project detail requests/s through the API, against a bare Flask JSON route served
by the same gunicorn settings, with the same number of client processes."""

from __future__ import annotations

from bench.support import (
    Config, Row, Services, fresh_database, http_load, import_project, percent, service_env, sessions, transactions,
)


def run(cfg: Config) -> list[Row]:
    with fresh_database("get") as dbname:
        workdir = cfg.workdir / "get"
        with Services(workdir, service_env(dbname, workdir)) as services:
            base, auth = services.api()
            slug = import_project(base, auth)
            opened = sessions(dbname)
            api = http_load("GET project detail", {"method": "GET", "url": f"{base}/api/v3/projects/{slug}/",
                                                   "headers": auth}, cfg.clients, cfg.warmup, cfg.duration,
                            probe=lambda: transactions(dbname))
            opened = (sessions(dbname) - opened) / api["total_ok"]
        with Services(workdir, service_env(dbname, workdir)) as services:
            base = services.gunicorn("bench.bare_app:app", name="bare", probe="/bare/")
            bare = http_load("bare Flask route", {"method": "GET", "url": f"{base}/bare/"},
                             cfg.clients, cfg.warmup, cfg.duration)
    ratio = api["rate"] / bare["rate"]
    return [Row(f"GET project detail req/s ({cfg.clients} clients)", f"{api['rate']:.0f}/s",
                f"bare Flask JSON route {bare['rate']:.0f}/s", percent(ratio), ">= 60%", ratio >= 0.6,
                [f"API p50 {api['p50']:.1f} ms p99 {api['p99']:.1f} ms, ~{api['tx_per_op']:.1f} PostgreSQL transactions "
                 f"and ~{opened:.2f} new connections per GET; bare p50 {bare['p50']:.1f} ms"])]
