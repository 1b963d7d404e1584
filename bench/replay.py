"""Figure 5: replay of N stored events (1,000,000; --quick: fewer) into all read models, against a
raw select of the same events from the event store (`recorder.select_notifications` in batches,
no decoding). Both are events of the log per second."""

from __future__ import annotations

import time

from bench.support import Config, Row, in_process, percent

SELECT_BATCH = 10_000


def replay_all(env: dict) -> None:
    """Rebuild every read model from the event log, as `docsplane replay` does (Docsplane.replay: the
    same Replay, with its helper process): the bulk phase into shadow tables, then the swaps
    (projections/replay.py)."""
    docsplane = in_process(env)
    try:
        docsplane.replay([p.projection for p in docsplane.projectors]).run()
    finally:
        docsplane.close()


def raw_select(env: dict) -> int:
    """Read every stored event, in batches, without decoding; how many."""
    from docsplane.bootstrap import open_application
    from docsplane.settings import Settings

    app = open_application(Settings.from_env(env))
    try:
        position, count = 0, 0
        while batch := app.recorder.select_notifications(start=position, limit=SELECT_BATCH, inclusive_of_start=False):
            count += len(batch)
            position = batch[-1].id
        return count
    finally:
        app.close()


def project_all(history: dict) -> float:
    """Fill the history's read models (once per run); the seconds it took."""
    started = time.monotonic()
    replay_all(history["env"])
    history["projected"] = True
    return time.monotonic() - started


def run(cfg: Config, histories) -> list[Row]:
    from bench.support import BenchFailed

    history = histories.get(cfg.history_events)
    started = time.monotonic()
    selected = raw_select(history["env"])
    select_s = time.monotonic() - started
    if selected != history["events"]:
        raise BenchFailed(f"raw select read {selected} events, {history['events']} were stored")
    replay_s = project_all(history)
    replay_rate, select_rate = selected / replay_s, selected / select_s
    ratio = replay_rate / select_rate
    return [Row(f"replay of {selected:,} events into all read models", f"{replay_rate:,.0f} events/s",
                f"raw select {select_rate:,.0f} events/s", percent(ratio), ">= 50%, >= 25,000/s",
                ratio >= 0.5 and replay_rate >= 25_000,
                [f"replay {replay_s:.1f} s, select {select_s:.1f} s, generation {history['generate_s']:.0f} s"])]
