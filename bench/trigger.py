"""Build-trigger throughput over HTTP vs. a bare Application.save baseline, on PostgreSQL.

    .venv/bin/python -m bench.trigger [--clients 8] [--warmup 2] [--duration 10]

One run, one machine, one PostgreSQL server (127.0.0.1:5432, trust auth, user postgres):

  (a) a fresh database `docsplane_bench_<hex>`; `docsplane users create` (the CLI, which also creates
      the tables); `docsplane projector` as its own process; the API under
      `gunicorn -w 2 -k gthread --threads 8 docsplane.wsgi:app`; one project imported over HTTP; then
      `--clients` load processes (one keep-alive requests.Session each) POST
      /api/v3/projects/<slug>/builds/ for `--warmup` + `--duration` seconds. Only 201/202 count;
      any other status or exception fails the benchmark (exit 1, the responses printed).
      Afterwards the API must list exactly as many builds as it acknowledged.
  (b) the same number of processes, each in a loop saving a new `domain.build.Build` with
      `DocsplaneApplication(env=...).save` into a fresh schema of the same database, for the same
      warm-up and duration: saves/s.

Prints one table (figure | value | baseline | ratio) and appends it to bench/results/trigger.txt.
Every process started here is stopped and the database dropped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "trigger.txt"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 8
BASELINE_SCHEMA = "baseline"


class BenchFailed(Exception):
    pass


# --------------------------------------------------------------------------- PostgreSQL admin


def admin_connect(dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=3)
    conn.autocommit = True
    return conn


def admin_execute(sql: str, dbname: str = "postgres"):
    conn = admin_connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone() if cursor.description else None
    finally:
        conn.close()


def transactions(dbname: str) -> int:
    """Transactions committed or rolled back in the database so far (as the server's statistics
    show them: backends report at most once a second, so this is approximate)."""
    conn = admin_connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", (dbname,))
            return cursor.fetchone()[0]
    finally:
        conn.close()


def event_store_env(dbname: str, schema: str | None = None) -> dict[str, str]:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": PG_HOST,
        "POSTGRES_PORT": str(PG_PORT),
        "POSTGRES_USER": PG_USER,
        "POSTGRES_PASSWORD": "",  # trust auth; the library insists the variable exists
    }
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env


# --------------------------------------------------------------------------- load processes


def _closed_loop(label, index, make_operation, barrier, warmup, duration, queue):
    """The measurement both sides share: run one operation back to back, count and time the
    successes that complete inside the window after the warm-up, and keep samples of failures.

    `make_operation()` runs before the start barrier and returns `operation() -> (key, failure)`:
    failure is None on success (key then counts toward the status split), else a text to sample."""
    result = {"index": index, "window_ok": 0, "total_ok": 0, "status": Counter(), "errors": Counter(),
              "samples": [], "latencies": []}
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    try:
        operation = make_operation()
        barrier.wait(timeout=60)
        start = time.monotonic()
        warm_end, end = start + warmup, start + warmup + duration
        while (sent := time.monotonic()) < end:
            key, failure = operation()
            done = time.monotonic()
            if failure is None:
                result["status"][key] += 1
                result["total_ok"] += 1
                if warm_end <= done < end:
                    result["window_ok"] += 1
                    result["latencies"].append(done - sent)
            else:
                result["errors"][key] += 1
                if len(result["samples"]) < 5:
                    result["samples"].append(f"[{label} {index}, t={done - start:.2f}s] {key}: {failure[:600]}")
    except Exception:
        barrier.abort()
        result["errors"][f"{label} crashed"] += 1
        result["samples"].append(traceback.format_exc())
    queue.put(result)


def _http_client(index, url, token, barrier, warmup, duration, queue):
    """One load process: POST build triggers over one keep-alive session."""

    def make_operation():
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"

        def trigger():
            try:
                response = session.post(url, json={}, timeout=30)
            except Exception as error:  # connection reset, timeout, ...
                time.sleep(0.05)  # do not spin on a dead server
                return type(error).__name__, f"{type(error).__name__}: {error}"
            if response.status_code in (201, 202):
                return response.status_code, None
            return f"HTTP {response.status_code}", response.text

        return trigger

    _closed_loop("client", index, make_operation, barrier, warmup, duration, queue)


def _saver(index, env, barrier, warmup, duration, queue):
    """One baseline process: create and save a Build aggregate with the bare application."""

    def make_operation():
        from commands.application import DocsplaneApplication
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


def run_load(target, args_of, n: int, warmup: float, duration: float, probe=None) -> tuple[list[dict], list]:
    """Start n processes, release them together, collect one result each. `probe()` is called at
    the start and at the end of the measured window; its two answers are returned."""
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(n + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(i, *args_of(i), barrier, warmup, duration, queue), daemon=True)
             for i in range(n)]
    for p in procs:
        p.start()
    results, probes = [], []
    try:
        try:
            barrier.wait(timeout=90)
            start = time.monotonic()
            for at in (start + warmup, start + warmup + duration):
                time.sleep(max(0.0, at - time.monotonic()))
                probes.append(probe() if probe else None)
        except threading.BrokenBarrierError:
            pass  # a load process failed to start; its result says why
        deadline = time.monotonic() + 60 + warmup + duration + 40
        while len(results) < n:
            try:
                results.append(queue.get(timeout=1))
            except Exception:  # queue.Empty
                if time.monotonic() > deadline:
                    raise BenchFailed(f"{target.__name__}: only {len(results)} of {n} load processes reported")
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise BenchFailed(f"{target.__name__}: load process died (exit {dead[0].exitcode})")
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
    return results, probes


def summarize(results: list[dict], duration: float, probes: list) -> dict:
    latencies = sorted(x for r in results for x in r["latencies"])
    errors = sum((r["errors"] for r in results), Counter())
    rate = sum(r["window_ok"] for r in results) / duration
    return {
        "rate": rate,
        "tx_per_op": (probes[1] - probes[0]) / duration / rate if len(probes) == 2 and rate else float("nan"),
        "total_ok": sum(r["total_ok"] for r in results),
        "status": sum((r.get("status", Counter()) for r in results), Counter()),
        "errors": errors,
        "samples": [s for r in results for s in r["samples"]],
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else float("nan"),
        "per_process": [r["window_ok"] / duration for r in sorted(results, key=lambda r: r["index"])],
    }


def fail_on_errors(what: str, summary: dict) -> None:
    if summary["errors"]:
        lines = [f"{what}: {sum(summary['errors'].values())} failed requests "
                 f"({', '.join(f'{k} x{v}' for k, v in summary['errors'].most_common())}) "
                 f"next to {summary['total_ok']} successes. First responses:"]
        lines += [f"  {s}" for s in summary["samples"][:10]]
        raise BenchFailed("\n".join(lines))


# --------------------------------------------------------------------------- the HTTP side


class Services:
    """The processes this run starts: stopped (whole process group) however the run ends."""

    def __init__(self, workdir: Path, env: dict):
        self.workdir, self.env, self.procs = workdir, env, {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise BenchFailed(f"{name} exited ({proc.returncode}); its log follows")

    def stop(self) -> None:
        for proc in self.procs.values():  # SIGTERM: gunicorn stops its workers, the projector its loop
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            # Wait for the group leader to exit *without reaping it*: while it is a zombie its
            # process-group id cannot be reused, so the SIGKILL below reaches only what is left of
            # our own group (a gunicorn worker that outlived its master), never a stranger.
            while proc.returncode is None and time.monotonic() < deadline:
                try:
                    if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.05)
            if proc.returncode is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            proc.wait(timeout=10)
        self.procs.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((PG_HOST, 0))
        return s.getsockname()[1]


def cli(env: dict) -> list[str]:
    script = Path(sys.executable).parent / "docsplane"
    return [str(script)] if script.exists() else [sys.executable, "-m", "docsplane.cli"]


def service_env(dbname: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_MODULE", "CREATE_TABLE"))}
    env.update(event_store_env(dbname))
    env.update({
        "DOCSPLANE_DATA_DIR": str(workdir / "data"),
        "DOCSPLANE_READ_DB_URL": f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}",
        "DOCSPLANE_RATE_LIMIT_AUTHENTICATED": "off",  # the load is one token's, far past any sane limit
        "PYTHONUNBUFFERED": "1",
    })
    return env


def http_benchmark(services: Services, args) -> dict:
    import requests

    env = services.env

    # The CLI creates the event-store and read-model tables, so the processes below never race to.
    created = subprocess.run([*cli(env), "users", "create", "bench"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=60)
    if created.returncode != 0:
        raise BenchFailed(f"docsplane users create failed ({created.returncode}):\n{created.stdout}{created.stderr}")
    token = created.stdout.split()[-1]

    services.start("projector", [*cli(env), "projector"])
    port = free_port()
    services.start("gunicorn", [
        sys.executable, "-m", "gunicorn", "-w", str(GUNICORN_WORKERS), "-k", "gthread", "--threads",
        str(GUNICORN_THREADS), "-b", f"{PG_HOST}:{port}", "--chdir", str(ROOT), "--no-control-socket", "docsplane.wsgi:app",
    ])
    base = f"http://{PG_HOST}:{port}/api/v3"
    auth = {"Authorization": f"Token {token}"}
    deadline = time.monotonic() + 30
    while True:
        services.check_alive()
        try:
            if requests.get(f"{base}/", headers=auth, timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise BenchFailed("gunicorn did not answer within 30 s; its log follows")
        time.sleep(0.2)

    response = requests.post(f"{base}/projects/", headers=auth, timeout=30,
                             json={"name": "bench-project", "repository": {"url": "https://github.com/example/bench"}})
    if response.status_code not in (201, 202):
        raise BenchFailed(f"project import: HTTP {response.status_code}: {response.text[:600]}")
    slug = response.json()["slug"] if response.status_code == 201 else response.headers["Location"].rstrip("/").split("/")[-1]
    for _ in range(100):  # a 202 import becomes visible shortly
        if requests.get(f"{base}/projects/{slug}/", headers=auth, timeout=5).status_code == 200:
            break
        time.sleep(0.1)
    else:
        raise BenchFailed(f"imported project '{slug}' never became visible")

    url = f"{base}/projects/{slug}/builds/"
    results, probes = run_load(_http_client, lambda i: (url, token), args.clients, args.warmup, args.duration,
                               probe=lambda: transactions(env["POSTGRES_DBNAME"]))
    summary = summarize(results, args.duration, probes)
    fail_on_errors("build trigger over HTTP", summary)
    services.check_alive()

    # Every acknowledged trigger must show up as a build, and nothing else.
    deadline, listed = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        response = requests.get(url, headers=auth, params={"limit": 1}, timeout=10)
        if response.status_code != 200:
            raise BenchFailed(f"GET builds: HTTP {response.status_code}: {response.text[:600]}")
        listed = response.json()["count"]
        if listed == summary["total_ok"]:
            break
        time.sleep(0.2)
    else:
        raise BenchFailed(f"the API acknowledged {summary['total_ok']} triggers but lists {listed} builds")
    summary["slug"] = slug
    return summary


# --------------------------------------------------------------------------- the baseline


def baseline_benchmark(dbname: str, args) -> dict:
    from commands.application import DocsplaneApplication

    admin_execute(f'CREATE SCHEMA "{BASELINE_SCHEMA}"', dbname)
    env = event_store_env(dbname, BASELINE_SCHEMA)
    DocsplaneApplication(env=env).close()  # creates the tables once, before the savers start
    env["CREATE_TABLE"] = "false"  # bare library: its DDL at start-up races (docsplane serializes it)
    # One thread per saver needs one connection (the default pool opens 5 per process, which
    # exhausts max_connections at --clients 32).
    env["POSTGRES_POOL_SIZE"], env["POSTGRES_MAX_OVERFLOW"] = "1", "1"
    results, probes = run_load(_saver, lambda i: (env,), args.clients, args.warmup, args.duration,
                               probe=lambda: transactions(dbname))
    summary = summarize(results, args.duration, probes)
    fail_on_errors("bare Application.save", summary)
    return summary


# --------------------------------------------------------------------------- main


def report(http: dict, base: dict, args, pg_version: str) -> str:
    ratio = http["rate"] / base["rate"] if base["rate"] else float("nan")
    rows = [
        ("figure", "value", "baseline", "ratio"),
        (f"build trigger POST/s (HTTP, gunicorn {GUNICORN_WORKERS}x{GUNICORN_THREADS} gthread, {args.clients} clients)",
         f"{http['rate']:.0f}", f"bare Application.save/s {base['rate']:.0f}", f"{ratio:.0%}"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    table = "\n".join(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return "\n".join([
        f"# bench.trigger  {when}  nproc={os.cpu_count()}  python {platform.python_version()}  "
        f"PostgreSQL {pg_version}  {platform.machine()}",
        f"# {args.clients} processes each side, {args.warmup:g} s warm-up, {args.duration:g} s measured",
        table,
        f"# HTTP: latency p50 {http['p50']:.1f} ms, p99 {http['p99']:.1f} ms; "
        f"{http['status'][201]} x 201, {http['status'][202]} x 202 in all; ~{http['tx_per_op']:.0f} PostgreSQL "
        f"transactions per trigger; per client/s {', '.join(f'{x:.0f}' for x in http['per_process'])}",
        f"# save: latency p50 {base['p50']:.1f} ms, p99 {base['p99']:.1f} ms; ~{base['tx_per_op']:.1f} PostgreSQL "
        f"transactions per save; per process/s {', '.join(f'{x:.0f}' for x in base['per_process'])}",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.trigger", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="load processes, HTTP and baseline alike (8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before counting (2)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds counted (10)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the gunicorn/projector logs (path printed)")
    args = parser.parse_args(argv)

    def terminated(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, terminated)

    try:
        pg_version = admin_execute("SHOW server_version")[0]
    except Exception as error:
        print(f"bench FAILED: PostgreSQL not reachable on {PG_HOST}:{PG_PORT} as {PG_USER}: {error}\n"
              f"start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
              file=sys.stderr)
        return 1

    dbname = f"docsplane_bench_{uuid.uuid4().hex[:12]}"
    workdir = Path(tempfile.mkdtemp(prefix="docsplane-bench-"))
    services = Services(workdir, service_env(dbname, workdir))
    ok = False
    started = time.monotonic()
    try:
        admin_execute(f'CREATE DATABASE "{dbname}"')
        print(f"database {dbname}; HTTP load: {args.clients} clients, {args.warmup:g}+{args.duration:g} s ...",
              flush=True)
        http = http_benchmark(services, args)
        print(f"  {http['rate']:.0f} triggers/s; stopping the API, baseline ...", flush=True)
        services.stop()
        base = baseline_benchmark(dbname, args)
        text = report(http, base, args, pg_version)
        print()
        print(text)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a") as f:
            f.write(text + "\n\n")
        print(f"\n(appended to {RESULTS.relative_to(ROOT)}; run took {time.monotonic() - started:.0f} s)")
        ok = True
        return 0
    except BenchFailed as error:
        print(f"\nbench FAILED: {error}", file=sys.stderr)
        for name in ("gunicorn", "projector"):
            tail = services.log_tail(name, 30)
            if tail:
                print(f"\n--- last lines of the {name} log ---\n{tail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:
        print(f"\nbench interrupted ({error}); cleaning up", file=sys.stderr)
        return 130
    finally:
        services.stop()
        try:
            admin_execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        except Exception as error:
            print(f"warning: could not drop database {dbname}: {error}", file=sys.stderr)
        if args.keep_logs or not ok:
            print(f"(logs kept in {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
