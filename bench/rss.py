"""Figure 6: the API's memory under load: the largest VmRSS of any gunicorn worker (from
/proc/<pid>/status), sampled every ~0.2 s while client processes send a mix of project-detail
GETs, build-list GETs and build-trigger POSTs."""

from __future__ import annotations

from bench.support import (
    BenchFailed, Config, Row, Services, fail_on_errors, fresh_database, http_client, import_project, run_load,
    service_env, summarize, vm_rss_mib,
)

LIMIT_MIB = 150


def run(cfg: Config) -> list[Row]:
    with fresh_database("rss") as dbname:
        workdir = cfg.workdir / "rss"
        with Services(workdir, service_env(dbname, workdir)) as services:
            base, auth = services.api()
            project = f"{base}/api/v3/projects/{import_project(base, auth)}/"
            requests = [
                {"method": "GET", "url": project, "headers": auth},
                {"method": "GET", "url": project + "builds/", "headers": auth},
                {"method": "POST", "url": project + "builds/", "headers": auth, "json": {}, "ok": (201, 202)},
            ]
            peak = {"mib": 0.0, "pids": set()}

            def sample():
                for pid in services.worker_pids():
                    peak["pids"].add(pid)
                    peak["mib"] = max(peak["mib"], vm_rss_mib(pid))

            results, _ = run_load(http_client, lambda i: (requests[i % len(requests)],), cfg.clients, cfg.warmup,
                                  cfg.duration, during=sample)
            summary = summarize(results, cfg.duration, [])
            fail_on_errors("mixed load", summary)
            services.check_alive()
    if not peak["pids"]:
        raise BenchFailed("no gunicorn worker process was found to sample")
    return [Row(f"API worker RSS under load (max of {len(peak['pids'])} workers)", f"{peak['mib']:.0f} MiB", "-", "-",
                f"<= {LIMIT_MIB} MiB", peak["mib"] <= LIMIT_MIB,
                [f"mixed load {summary['rate']:.0f} req/s (GET detail, GET builds, POST trigger)"])]
