"""Figure 7: the cost of a GET (project detail) and of a POST (build trigger) on a database with a
small history (1,000 events) and with a large one (1,000,000; --quick: fewer). Projects have the
same size in both (bench/history.py); only the history around them grows, so any difference is a
scan that grows with history. Cost: the median latency of one client's closed loop."""

from __future__ import annotations

from bench.history import project_slug
from bench.replay import project_all
from bench.support import Config, Row, Services, http_load, percent


def costs(cfg: Config, histories, events: int) -> dict:
    history = histories.get(events)
    if not history["projected"]:
        project_all(history)
    workdir = cfg.workdir / f"scale{events}"
    with Services(workdir, history["env"]) as services:
        base, auth = services.api()
        project = f"{base}/api/v3/projects/{project_slug(1)}/"
        get = http_load(f"GET project detail ({events} events)", {"method": "GET", "url": project, "headers": auth},
                        1, cfg.warmup, cfg.duration)
        post = http_load(f"POST build trigger ({events} events)",
                         {"method": "POST", "url": project + "builds/", "headers": auth, "json": {}, "ok": (201, 202)},
                         1, cfg.warmup, cfg.duration)
        services.check_alive()
    return {"events": history["events"], "GET": get, "POST": post}


def run(cfg: Config, histories) -> list[Row]:
    small = costs(cfg, histories, cfg.small_history_events)
    large = costs(cfg, histories, cfg.history_events)
    rows = []
    for method, what in (("GET", "GET project detail"), ("POST", "POST build trigger")):
        ratio = large[method]["p50"] / small[method]["p50"]
        rows.append(Row(f"{what} cost at {large['events']:,} vs {small['events']:,} events",
                        f"{large[method]['p50']:.1f} ms", f"{small[method]['p50']:.1f} ms", percent(ratio),
                        "<= 110%", ratio <= 1.10,
                        [f"{method} p99 {large[method]['p99']:.1f} vs {small[method]['p99']:.1f} ms"]))
    return rows
