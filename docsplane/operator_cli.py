"""The operator's commands: `docsplane replay` (rebuild read models beside the live ones, then swap),
`docsplane verify` (compare every read model with a replay of the log) and `docsplane status`."""

from __future__ import annotations

import signal
import sys

from docsplane.bootstrap import build


def _committed(replay, shown: int) -> int:
    """Where the interrupted replay resumes: its committed positions, read again (a batch may have
    committed after the progress bar last heard of one); what the bar showed if they cannot be read."""
    try:
        return min(replay.positions().values(), default=shown)
    except Exception:  # the store went away with the interruption
        return shown


def replay(args) -> int:
    from docsplane.progress import ProgressBar

    docsplane = build()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop like Ctrl-C: the open batch rolls back
    selected = [p.projection for p in docsplane.projectors if args.projection in (None, p.name)]
    replay = docsplane.replay(selected, args.batch_size)
    replay.open()
    for shadow in replay.shadows:
        if shadow.resumed_from:
            print(f"{shadow.name}: resuming an interrupted replay at {shadow.resumed_from:,}", file=sys.stderr)
    bar = ProgressBar("replay", start=min(shadow.resumed_from for shadow in replay.shadows))
    try:
        while replay.run_batch(bar):
            pass
        bar.close()
        for shadow in replay.shadows:
            replay.swap(shadow)
            print(f"{shadow.name}: rebuilt from {shadow.applied:,} events"
                  + (f" (resumed at {shadow.resumed_from:,})" if shadow.resumed_from else ""), flush=True)
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted at {_committed(replay, bar.done):,}; run again to resume", file=sys.stderr)
        return 130
    return 0


def verify(args) -> int:
    """Exit 0 when every read model equals a replay of the log, 1 when one differs."""
    import tempfile

    from docsplane.progress import ProgressBar
    from projections.replay.verify import Verify

    docsplane = build()
    selected = [p.projection for p in docsplane.projectors if args.projection in (None, p.name)]
    docsplane.settings.data_dir.mkdir(parents=True, exist_ok=True)
    bars: list[ProgressBar] = []

    def progress(name: str):
        if bars:
            bars[-1].close()
        bars.append(ProgressBar(f"verify {name}"))
        return bars[-1]

    with tempfile.TemporaryDirectory(prefix=".verify-", dir=docsplane.settings.data_dir) as scratch:
        outcomes = Verify(docsplane.app.recorder, docsplane.app.mapper, docsplane.store, selected, scratch).run(progress)
    if bars:
        bars[-1].close()
    for outcome in outcomes:
        verdict = ("equal to a replay" if not outcome.count
                   else f"differs from a replay in {outcome.count} row{'s' if outcome.count > 1 else ''}")
        print(f"{outcome.name}: {verdict} (at position {outcome.position:,}, {outcome.rows:,} rows)", flush=True)
        for difference in outcome.differences:
            print(f"  {difference.table} {difference.key}: live {difference.live} != rebuilt {difference.rebuilt}")
    differing = [outcome.name for outcome in outcomes if outcome.count]
    if differing:
        print(f"verify: {', '.join(differing)} differ from the event log; `docsplane replay` rebuilds them", file=sys.stderr)
        return 1
    return 0


def status(args) -> int:
    """Exit 0 when ok, 1 when degraded, 2 when a store or the broker cannot be reached."""
    import json
    from datetime import datetime, timezone

    from docsplane.health import assess, probes, sandbox_report, system_status
    from docsplane.settings import Settings
    from docsplane.status_table import EXIT_CODES, render

    settings = Settings.from_env()
    dependencies = probes(settings)  # first, with a short timeout: build() would wait on a pool
    if any(not d.ok for d in dependencies if d.name != "broker"):
        report = assess(None, dependencies, [], [], [], datetime.now(timezone.utc), settings.health_max_lag,
                        sandbox_report(settings))
    else:
        report = system_status(build(settings))
    if args.json:
        print(json.dumps(report, indent=2))
    elif report["status"] == "unavailable" and report["head"] is None:
        print(f"error: {report['message']}", file=sys.stderr)
    else:
        print(render(report))
    return EXIT_CODES[report["status"]]
