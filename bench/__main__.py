"""docsplane's benchmark: every figure of issue 7, each against a baseline measured in the same run.

    python -m bench [--quick] [--only NAME ...] [--keep-logs]

Prints one table (figure | value | baseline | ratio | target | pass) and appends it to
bench/results/bench.txt. Exit status: 0 every target met; 1 a run errored (a non-2xx answer, an
exception, a count mismatch: that figure has no row); 3 every run succeeded but a target was missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import docs_host, lag, project_get, replay, rss, sandbox, scale, snapshots, trigger
from bench.history import Histories
from bench.support import (
    GUNICORN_THREADS, GUNICORN_WORKERS, PG_HOST, PG_PORT, PG_USER, ROOT, BenchFailed, Config, Row, admin_execute,
)

RESULTS = ROOT / "bench" / "results" / "bench.txt"
EXIT_ERROR, EXIT_MISSED = 1, 3
# In table order; the figures with a history share it (replay fills the read models scale reads).
FIGURES = {
    "trigger": lambda cfg, histories: trigger.run(cfg),
    "get": lambda cfg, histories: project_get.run(cfg),
    "lag": lambda cfg, histories: lag.run(cfg),
    "replay": replay.run,
    "rss": lambda cfg, histories: rss.run(cfg),
    "scale": scale.run,
    "snapshots": lambda cfg, histories: snapshots.run(cfg),
    "sandbox": lambda cfg, histories: sandbox.run(cfg),
    "docs": lambda cfg, histories: docs_host.run(cfg),
}
HEADER = ("figure", "value", "baseline", "ratio", "target", "pass")


def table(rows: list[Row]) -> str:
    cells = [HEADER] + [(r.figure, r.value, r.baseline, r.ratio, r.target, "pass" if r.passed else "MISSED") for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine(pg_version: str) -> str:
    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{when}  nproc={os.cpu_count()}  load {load}  python {platform.python_version()}  "
            f"PostgreSQL {pg_version}  {platform.machine()}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=list(FIGURES), metavar="NAME",
                        help=f"run only this figure (repeatable): {', '.join(FIGURES)}")
    parser.add_argument("--quick", action="store_true", help="small sizes and short windows: a smoke run (~2 min)")
    parser.add_argument("--events", type=int, metavar="N",
                        help="size of the large history (replay, 1k vs 1M): 1,000,000; --quick: 10,000")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs (path printed)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(KeyboardInterrupt(f"signal {signum}")))

    try:
        pg_version = admin_execute("SHOW server_version")[0]
    except Exception as error:
        print(f"bench FAILED: PostgreSQL not reachable on {PG_HOST}:{PG_PORT} as {PG_USER}: {error}\n"
              f"start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", file=sys.stderr)
        return EXIT_ERROR

    workdir = Path(tempfile.mkdtemp(prefix="docsplane-bench-"))
    cfg = Config.make(workdir, args.quick)
    if args.events:
        cfg.history_events = args.events
    histories = Histories(workdir)
    rows: list[Row] = []
    failures: list[str] = []
    started = time.monotonic()
    try:
        for name in [n for n in FIGURES if not args.only or n in args.only]:
            print(f"{name} ...", flush=True)
            t = time.monotonic()
            try:
                new = FIGURES[name](cfg, histories)
            except BenchFailed as error:
                failures.append(f"{name}: {error}")
                print(f"  {name} FAILED: {error}", file=sys.stderr, flush=True)
                continue
            except Exception:
                failures.append(f"{name}: {traceback.format_exc()}")
                print(f"  {name} FAILED:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
                continue
            rows += new
            for row in new:
                print(f"  {row.figure}: {row.value} | {row.baseline} | {row.ratio} ({time.monotonic() - t:.0f} s)",
                      flush=True)
    except KeyboardInterrupt as error:
        print(f"\nbench interrupted ({error}); cleaning up", file=sys.stderr)
        return 130
    finally:
        histories.close()
        if args.keep_logs or failures:
            print(f"(logs kept in {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    mode = "quick" if args.quick else "full"
    text = "\n".join([
        f"# python -m bench ({mode}{', only ' + ', '.join(args.only) if args.only else ''})  {machine(pg_version)}",
        f"# {cfg.clients} client processes, {cfg.warmup:g} s warm-up, {cfg.duration:g} s measured; "
        f"gunicorn {GUNICORN_WORKERS}x{GUNICORN_THREADS} gthread; history {cfg.history_events:,} events; took {time.monotonic() - started:.0f} s",
        table(rows),
        *[f"# {row.figure}: {note}" for row in rows for note in row.notes],
        *[f"# FAILED {failure.splitlines()[0]}" for failure in failures],
    ])
    print()
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as f:
        f.write(text + "\n\n")
    if failures:
        print(f"\nbench FAILED: {len(failures)} figure(s) errored and have no row: "
              f"{', '.join(f.split(':')[0] for f in failures)}", file=sys.stderr)
        return EXIT_ERROR
    if not all(row.passed for row in rows):
        print(f"\ntargets MISSED: {', '.join(r.figure for r in rows if not r.passed)}", file=sys.stderr)
        return EXIT_MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
