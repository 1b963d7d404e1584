"""Figure 7: the cost of a GET (project detail) and of a POST (build trigger) on a database with a
small history (1,000 events) and with a large one (1,000,000; --quick: fewer). Projects have the
same size in both (bench.history); only the history around them grows, so any difference is a
scan that grows with history. Cost: the median latency of one client's closed loop, both histories'
APIs measured in alternating windows."""

from __future__ import annotations

from contextlib import ExitStack

from bench.history import project_slug
from bench.replay import project_all
from bench.support import Config, Row, Services, alternating_loads, percent


def _api(stack: ExitStack, cfg: Config, histories, events: int) -> tuple[str, dict, int]:
    """The API on the history of `events` (replayed into its read models first): (project URL, auth, events)."""
    history = histories.get(events)
    if not history["projected"]:
        project_all(history)
    services = stack.enter_context(Services(cfg.workdir / f"scale{events}", history["env"]))
    base, auth = services.api()
    return f"{base}/api/v3/projects/{project_slug(1)}/", auth, history["events"]


def costs(cfg: Config, histories) -> tuple[dict, dict, int, int]:
    """Both APIs run side by side and are measured in alternating windows (small, large, small, ...):
    a drift of the machine's speed during the run falls on both histories, not on the one measured last."""
    with ExitStack() as stack:
        small_url, small_auth, small_events = _api(stack, cfg, histories, cfg.small_history_events)
        large_url, large_auth, large_events = _api(stack, cfg, histories, cfg.history_events)
        get = alternating_loads([
            (f"GET project detail ({n} events)", {"method": "GET", "url": url, "headers": auth}, None)
            for n, url, auth in ((small_events, small_url, small_auth), (large_events, large_url, large_auth))
        ], 1, cfg.warmup, cfg.duration)
        post = alternating_loads([
            (f"POST build trigger ({n} events)",
             {"method": "POST", "url": url + "builds/", "headers": auth, "json": {}, "ok": (201, 202)}, None)
            for n, url, auth in ((small_events, small_url, small_auth), (large_events, large_url, large_auth))
        ], 1, cfg.warmup, cfg.duration)
    return {"GET": get[0], "POST": post[0]}, {"GET": get[1], "POST": post[1]}, small_events, large_events


def run(cfg: Config, histories) -> list[Row]:
    small, large, small_events, large_events = costs(cfg, histories)
    rows = []
    for method, what in (("GET", "GET project detail"), ("POST", "POST build trigger")):
        ratio = large[method]["p50"] / small[method]["p50"]
        rows.append(Row(f"{what} cost at {large_events:,} vs {small_events:,} events",
                        f"{large[method]['p50']:.1f} ms", f"{small[method]['p50']:.1f} ms", percent(ratio),
                        "<= 110%", ratio <= 1.10,
                        [f"{method} p99 {large[method]['p99']:.1f} vs {small[method]['p99']:.1f} ms"]))
    return rows
