"""What every figure shares: PostgreSQL admin, the processes a run starts (gunicorn, projector),
the closed-loop load processes, and the figure's table row.

A figure raises BenchFailed on any error (a non-2xx answer, an exception, a count mismatch): the
run then prints no row for it and exits non-zero."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
# The production server's settings (the Dockerfile's CMD): every HTTP figure uses them.
GUNICORN_WORKERS, GUNICORN_THREADS = 2, 8


class BenchFailed(Exception):
    pass


@dataclass
class Row:
    """One line of the table. `passed` compares the ratio (or the value, without a baseline) to the target."""

    figure: str
    value: str
    baseline: str
    ratio: str
    target: str
    passed: bool
    notes: list[str] = field(default_factory=list)


def percent(x: float) -> str:
    return f"{x:.0%}"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# --------------------------------------------------------------------------- PostgreSQL admin


def admin_connect(dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=3)
    conn.autocommit = True
    return conn


def admin_execute(sql: str, dbname: str = "postgres", params=()):
    conn = admin_connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None
    finally:
        conn.close()


def transactions(dbname: str) -> int:
    """Transactions committed or rolled back in the database so far (as the server's statistics
    show them: backends report at most once a second, so this is approximate)."""
    return admin_execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                         params=(dbname,))[0]


def sessions(dbname: str) -> int:
    """Connections opened to the database so far (pg_stat_database.sessions, as approximate as
    `transactions`)."""
    return admin_execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", params=(dbname,))[0]


@contextmanager
def fresh_database(label: str):
    """A new database `docsplane_bench_<label>_<hex>`, dropped (WITH FORCE) however the block ends."""
    dbname = f"docsplane_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin_execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield dbname
    finally:
        try:
            admin_execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        except Exception as error:
            print(f"warning: could not drop database {dbname}: {error}", file=sys.stderr)


# One key for every process of the run (a valid Fernet key): with PostgreSQL it must be given.
SECRETS_KEY = "YmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtMDA="


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


def service_env(dbname: str, workdir: Path) -> dict[str, str]:
    """The environment of docsplane processes on this database (event store and read models)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_MODULE", "CREATE_TABLE"))}
    env.update(event_store_env(dbname))
    env.update({
        "DOCSPLANE_DATA_DIR": str(workdir / "data"),
        "DOCSPLANE_READ_DB_URL": f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}",
        "DOCSPLANE_RATE_LIMIT_AUTHENTICATED": "off",  # the load is one token's, far past any sane limit
        "DOCSPLANE_SECRETS_KEY": SECRETS_KEY,
        "PYTHONUNBUFFERED": "1",
        # This checkout's code, also in the `docsplane` script (the venv may hold another install).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    })
    return env


def in_process(env: dict):
    """The wired Docsplane (docsplane.bootstrap.build) on `env`'s settings, in this process."""
    from docsplane.bootstrap import build
    from docsplane.settings import Settings

    return build(Settings.from_env(env))


# --------------------------------------------------------------------------- processes


def cli(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "docsplane"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "docsplane.cli", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((PG_HOST, 0))
        return s.getsockname()[1]


class Services:
    """The processes one figure starts: stopped (whole process group) however it ends."""

    def __init__(self, workdir: Path, env: dict):
        self.workdir, self.env, self.procs = workdir, env, {}
        workdir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run the docsplane CLI to completion; its output, or BenchFailed."""
        done = subprocess.run(cli(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise BenchFailed(f"docsplane {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout

    def create_user(self, name: str = "bench") -> str:
        """`docsplane users create` (which also creates the tables); its token."""
        return self.run("users", "create", name).split()[-1]

    def projector(self) -> None:
        self.start("projector", cli("projector"))

    def api(self) -> tuple[str, dict]:
        """A user, the projector and the API under gunicorn: (the API's base URL, the user's auth headers)."""
        token = self.create_user()
        self.projector()
        auth = {"Authorization": f"Token {token}"}
        return self.gunicorn(headers=auth), auth

    def gunicorn(self, app: str = "docsplane.wsgi:app", name: str = "gunicorn", probe: str = "/api/v3/",
                 headers: dict | None = None) -> str:
        """The API (or another WSGI app) under the production gunicorn settings; its base URL once
        `probe` answers 200."""
        import requests

        port = free_port()
        self.start(name, [
            sys.executable, "-m", "gunicorn", "-w", str(GUNICORN_WORKERS), "-k", "gthread", "--threads",
            str(GUNICORN_THREADS), "-b", f"{PG_HOST}:{port}", "--chdir", str(ROOT), "--no-control-socket", app,
        ])
        base = f"http://{PG_HOST}:{port}"
        deadline = time.monotonic() + 60
        while True:
            self.check_alive()
            try:
                if requests.get(base + probe, headers=headers or {}, timeout=2).status_code == 200:
                    return base
            except requests.RequestException:  # not listening yet, or too busy starting to answer
                pass
            if time.monotonic() > deadline:
                raise BenchFailed(f"{name} did not answer within 60 s")
            time.sleep(0.2)

    def worker_pids(self, name: str = "gunicorn") -> list[int]:
        """The gunicorn workers: the master's children."""
        master = self.procs[name].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def logs(self) -> str:
        return "\n".join(f"--- last lines of the {name} log ---\n{self.log_tail(name)}" for name in self.procs)

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise BenchFailed(f"{name} exited ({proc.returncode}):\n{self.log_tail(name)}")

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


def vm_rss_mib(pid: int) -> float:
    """A process's resident set (VmRSS in /proc/<pid>/status), in MiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


# --------------------------------------------------------------------------- HTTP helpers


def import_project(base: str, auth: dict, name: str = "bench-project") -> str:
    """Import a project over HTTP (`auth`: the headers of Services.api); its slug once its detail answers."""
    import requests

    response = requests.post(f"{base}/api/v3/projects/", headers=auth, timeout=30,
                             json={"name": name, "repository": {"url": "https://github.com/example/bench"}})
    if response.status_code not in (201, 202):
        raise BenchFailed(f"project import: HTTP {response.status_code}: {response.text[:600]}")
    slug = response.headers["Location"].rstrip("/").split("/")[-1]
    for _ in range(100):  # a 202 import becomes visible shortly
        if requests.get(f"{base}/api/v3/projects/{slug}/", headers=auth, timeout=5).status_code == 200:
            return slug
        time.sleep(0.1)
    raise BenchFailed(f"imported project '{slug}' never became visible")


# --------------------------------------------------------------------------- load processes


def _closed_loop(label, index, make_operation, barrier, warmup, duration, queue):
    """The measurement every load shares: run one operation back to back, count and time the
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


def http_client(index, request, barrier, warmup, duration, queue):
    """One load process: the same request (`method`, `url`, `headers`, `json`, `ok` statuses) over
    one keep-alive session."""
    request = dict(request)
    ok = set(request.pop("ok", (200,)))

    def make_operation():
        import requests

        session = requests.Session()

        def send():
            try:
                response = session.request(timeout=30, **request)
            except Exception as error:  # connection reset, timeout, ...
                time.sleep(0.05)  # do not spin on a dead server
                return type(error).__name__, f"{type(error).__name__}: {error}"
            if response.status_code in ok:
                return response.status_code, None
            return f"HTTP {response.status_code}", response.text

        return send

    _closed_loop("client", index, make_operation, barrier, warmup, duration, queue)


def run_load(target, args_of, n: int, warmup: float, duration: float, probe=None, during=None) -> tuple[list[dict], list]:
    """Start n processes, release them together, collect one result each. `probe()` is called at
    the start and at the end of the measured window; its two answers are returned. `during()` is
    called about every 0.2 s of the measured window (e.g. to sample memory)."""
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
                while during is not None and time.monotonic() < at - 0.2:
                    during()
                    time.sleep(0.2)
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
    latencies = [x for r in results for x in r["latencies"]]
    rate = sum(r["window_ok"] for r in results) / duration
    return {
        "rate": rate,
        "tx_per_op": (probes[1] - probes[0]) / duration / rate if len(probes) == 2 and None not in probes and rate else float("nan"),
        "total_ok": sum(r["total_ok"] for r in results),
        "status": sum((r.get("status", Counter()) for r in results), Counter()),
        "errors": sum((r["errors"] for r in results), Counter()),
        "samples": [s for r in results for s in r["samples"]],
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": percentile(latencies, 0.99) * 1000,
        "per_process": [r["window_ok"] / duration for r in sorted(results, key=lambda r: r["index"])],
    }


def fail_on_errors(what: str, summary: dict) -> None:
    if summary["errors"]:
        lines = [f"{what}: {sum(summary['errors'].values())} failed requests "
                 f"({', '.join(f'{k} x{v}' for k, v in summary['errors'].most_common())}) "
                 f"next to {summary['total_ok']} successes. First responses:"]
        lines += [f"  {s}" for s in summary["samples"][:10]]
        raise BenchFailed("\n".join(lines))
    if summary["rate"] == 0:
        raise BenchFailed(f"{what}: no operation completed in the measured window")


def http_load(what: str, request: dict, clients: int, warmup: float, duration: float, probe=None, during=None) -> dict:
    """`clients` processes sending `request` in a closed loop; the summary, or BenchFailed."""
    results, probes = run_load(http_client, lambda i: (request,), clients, warmup, duration, probe, during)
    summary = summarize(results, duration, probes)
    fail_on_errors(what, summary)
    return summary


def alternating_loads(loads: list[tuple[str, dict, object]], clients: int, warmup: float, duration: float,
                      rounds: int = 3) -> list[dict]:
    """Each of `loads` (what, request, probe) for `duration` in all, in `rounds` windows taken in
    turn (A B A B A B): a figure and its baseline then share the machine's slow and busy moments,
    where one window after the other would hand a passing burst of load to one of them alone."""
    window = duration / rounds
    runs: list[list[tuple[list, list]]] = [[] for _ in loads]
    for _ in range(rounds):
        for runs_of, (what, request, probe) in zip(runs, loads):
            runs_of.append(run_load(http_client, lambda i, request=request: (request,), clients, warmup, window, probe))
    summaries = []
    for runs_of, (what, _, _) in zip(runs, loads):
        summary = summarize([r for results, _ in runs_of for r in results], window * rounds, [])
        deltas = [probes[1] - probes[0] for _, probes in runs_of if len(probes) == 2 and None not in probes]
        if len(deltas) == rounds and summary["rate"]:
            summary["tx_per_op"] = sum(deltas) / (window * rounds) / summary["rate"]
        fail_on_errors(what, summary)
        summaries.append(summary)
    return summaries


@dataclass
class Config:
    """One run's sizes and durations (`--quick` makes them small)."""

    workdir: Path
    quick: bool = False
    clients: int = 8
    warmup: float = 2.0
    duration: float = 10.0
    history_events: int = 1_000_000
    small_history_events: int = 1_000

    @classmethod
    def make(cls, workdir: Path, quick: bool) -> Config:
        if quick:
            return cls(workdir, quick=True, clients=4, warmup=1.0, duration=3.0, history_events=10_000)
        return cls(workdir)
