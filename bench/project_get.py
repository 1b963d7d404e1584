"""Figure 3: GET project detail requests/s through the API, against a bare Flask JSON route served
by the same gunicorn settings, with the same number of client processes. Both servers run side by
side and are measured in alternating windows (bench.support.alternating_loads)."""

from __future__ import annotations

from bench.support import (
    Config, Row, Services, alternating_loads, fresh_database, import_project, percent, service_env, sessions, transactions,
)


def run(cfg: Config) -> list[Row]:
    with fresh_database("get") as dbname:
        workdir = cfg.workdir / "get"
        with Services(workdir, service_env(dbname, workdir)) as services:
            base, auth = services.api()
            bare_base = services.gunicorn("bench.bare_app:app", name="bare", probe="/bare/")
            slug = import_project(base, auth)
            opened = sessions(dbname)
            api, bare = alternating_loads([
                ("GET project detail", {"method": "GET", "url": f"{base}/api/v3/projects/{slug}/", "headers": auth},
                 lambda: transactions(dbname)),
                ("bare Flask route", {"method": "GET", "url": f"{bare_base}/bare/"}, None),
            ], cfg.clients, cfg.warmup, cfg.duration)
            opened = (sessions(dbname) - opened) / api["total_ok"]
    ratio = api["rate"] / bare["rate"]
    return [Row(f"GET project detail req/s ({cfg.clients} clients)", f"{api['rate']:.0f}/s",
                f"bare Flask JSON route {bare['rate']:.0f}/s", percent(ratio), ">= 60%", ratio >= 0.6,
                [f"API p50 {api['p50']:.1f} ms p99 {api['p99']:.1f} ms, ~{api['tx_per_op']:.1f} PostgreSQL transactions "
                 f"and ~{opened:.2f} new connections per GET; bare p50 {bare['p50']:.1f} ms"])]
