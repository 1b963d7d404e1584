"""Figure 5: replay of N stored events (1,000,000; --quick: fewer) into all read models, against a
raw select of the same events from the event store (`recorder.select_notifications` in batches,
no decoding). Both are events of the log per second.

Its ceiling, shown for the reader with no target of its own: the same select with every event
decoded into its domain event by the application's mapper, and nothing else done with it, in one
process. Every projection is a handler of domain events, so a replay decodes every event it
applies at least once; the audit's helper process decodes them again."""

from __future__ import annotations

import time

from bench.support import Config, Row, in_process, percent

SELECT_BATCH = 10_000


def replay_all(env: dict) -> None:
    """Rebuild every read model from the event log, as `docsplane replay` does (Docsplane.replay: the
    same Replay, with its helper process): the bulk phase into shadow tables, then the swaps."""
    docsplane = in_process(env)
    try:
        docsplane.replay([p.projection for p in docsplane.projectors]).run()
    finally:
        docsplane.close()


def read_log(env: dict, decode: bool = False) -> tuple[int, float]:
    """Read every stored event in batches (the raw select), each decoded by the application's mapper
    when `decode` (as a replay reads them, and nothing else); how many, and the seconds it took."""
    from docsplane.bootstrap import open_application
    from docsplane.settings import Settings

    app = open_application(Settings.from_env(env))
    try:
        started, position, count, to_event = time.monotonic(), 0, 0, app.mapper.to_domain_event
        while batch := app.recorder.select_notifications(start=position, limit=SELECT_BATCH, inclusive_of_start=False):
            if decode:
                for notification in batch:
                    to_event(notification)
            count += len(batch)
            position = batch[-1].id
        return count, time.monotonic() - started
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
    selected, select_s = read_log(history["env"])
    decoded, decode_s = read_log(history["env"], decode=True)
    if not selected == decoded == history["events"]:
        raise BenchFailed(f"the raw select read {selected} events and the decoding one {decoded}; {history['events']} were stored")
    replay_s = project_all(history)
    replay_rate, select_rate, decode_rate = selected / replay_s, selected / select_s, selected / decode_s
    ratio = replay_rate / select_rate
    return [
        Row(f"replay of {selected:,} events into all read models", f"{replay_rate:,.0f} events/s",
            f"raw select {select_rate:,.0f} events/s", percent(ratio), ">= 50%, >= 25,000/s",
            ratio >= 0.5 and replay_rate >= 25_000,
            [f"replay {replay_s:.1f} s, select {select_s:.1f} s, select and decode {decode_s:.1f} s, "
             f"generation {history['generate_s']:.0f} s"]),
        Row("  ceiling: the select, every event decoded, nothing else (one process)", f"{decode_rate:,.0f} events/s",
            f"raw select {select_rate:,.0f} events/s", percent(decode_rate / select_rate), "-", True),
    ]
