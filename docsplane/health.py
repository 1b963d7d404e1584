"""The operator's view of a running docsplane (`docsplane status`, GET /api/v3/_health).

    report = system_status(docsplane)     # probes the stores and the broker, reads positions and loops
    report["status"]                      # "ok", "degraded" or "unavailable"

- `unavailable`: the event store, the read store or (when DOCSPLANE_AMQP_URL is set) the broker
  cannot be reached; each failed dependency has a message (the driver's, credentials removed).
- `degraded`: everything is reachable, but a loop reports an error, has
  not beaten for STALE_AFTER seconds, or a projector's or follower's lag (the event store's head
  minus its position, in notifications) is above DOCSPLANE_HEALTH_MAX_LAG; or builds on this host
  would not be sandboxed though DOCSPLANE_BUILD_SANDBOX asks for bwrap.

`assess` decides from the gathered facts alone (no I/O), so the rules are unit-tested."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

STALE_AFTER = 60.0  # seconds without a heartbeat (loops beat every 5 s; the reaper scans every 15 s at most)
PROBE_TIMEOUT = 3  # seconds to connect to a store or the broker
PROJECTOR_LOOP = "projector"  # every projection is run by the loop of this name
CREDENTIALS = re.compile(r"(\w+://[^:/@\s]*):[^@\s]*@")


@dataclass
class Dependency:
    name: str  # event_store, read_store, broker
    target: str  # what and where, without credentials
    ok: bool
    message: str

    def as_dict(self) -> dict:
        answer = asdict(self)
        answer["status"] = "ok" if answer.pop("ok") else "unavailable"
        return answer


def redact(text: str) -> str:
    """Never show a password: user:secret@host -> user:***@host."""
    return CREDENTIALS.sub(r"\1:***@", text)


# -- the facts ---------------------------------------------------------------------------------------

def probe_event_store(settings, timeout: float = PROBE_TIMEOUT) -> Dependency:
    store = settings.event_store
    if settings.uses_sqlite_event_store:
        return _probe("event_store", f"SQLite {store['SQLITE_DBNAME']}", lambda: _open_sqlite(store["SQLITE_DBNAME"], timeout))
    import psycopg

    target = f"PostgreSQL {store.get('POSTGRES_HOST', '')}:{store.get('POSTGRES_PORT', '5432')}/{store.get('POSTGRES_DBNAME', '')}"
    return _probe("event_store", target, lambda: psycopg.connect(
        host=store.get("POSTGRES_HOST"), port=store.get("POSTGRES_PORT"), dbname=store.get("POSTGRES_DBNAME"),
        user=store.get("POSTGRES_USER"), password=store.get("POSTGRES_PASSWORD"), connect_timeout=max(1, int(timeout)),
    ).close())


def probe_read_store(url: str, timeout: float = PROBE_TIMEOUT) -> Dependency:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        return _probe("read_store", f"SQLite {path}", lambda: _open_sqlite(path, timeout))
    import psycopg2

    target = f"PostgreSQL {parsed.hostname or ''}:{parsed.port or 5432}{parsed.path}"
    return _probe("read_store", target, lambda: psycopg2.connect(url, connect_timeout=max(1, int(timeout))).close())


def probe_broker(url: str, timeout: float = PROBE_TIMEOUT) -> Dependency:
    """Connects as the relay and the workers do, to the same vhost."""
    from kombu import Connection

    from docsplane.amqp_url import amqp_url, explain, vhost

    parsed = urlparse(url)
    name = vhost(url)
    target = f"AMQP {parsed.hostname or ''}:{parsed.port or 5672}" + ("" if name == "/" else f" vhost {name!r}")

    def connect():
        with Connection(amqp_url(url), connect_timeout=timeout) as connection:
            try:
                connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            except Exception as error:
                raise RuntimeError(explain(error, url)) from error

    return _probe("broker", target, connect)


def probes(settings, timeout: float = PROBE_TIMEOUT) -> list[Dependency]:
    found = [probe_event_store(settings, timeout), probe_read_store(settings.read_db_url, timeout)]
    if settings.amqp_url:
        found.append(probe_broker(settings.amqp_url, timeout))
    return found


def _open_sqlite(path: str, timeout: float) -> None:
    # mode=rw: a missing file is "unable to open database file", not a new empty database.
    connection = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=rw", uri=True, timeout=timeout)
    try:
        connection.execute("SELECT 1")
    finally:
        connection.close()


def _probe(name: str, target: str, connect) -> Dependency:
    try:
        connect()
    except Exception as error:
        return Dependency(name, redact(target), False, _message(error))
    return Dependency(name, redact(target), True, "reachable")


def _message(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__  # drivers answer several lines
    return redact(text)


def system_status(docsplane, now: datetime | None = None) -> dict:
    """Probe, read what the loops recorded, and assess."""
    dependencies = probes(docsplane.settings)
    event_store, read_store = dependencies[0], dependencies[1]
    head, projectors, followers, loops = None, [], [], []
    if event_store.ok:
        head = _guarded(event_store, lambda: docsplane.app.recorder.max_notification_id() or 0)
    if read_store.ok:
        facts = _guarded(read_store, lambda: _read_positions(docsplane.store))
        if facts is not None:
            projectors, followers, loops = facts
    return assess(head, dependencies, projectors, followers, loops, now or datetime.now(timezone.utc),
                  docsplane.settings.health_max_lag, sandbox_report(docsplane.settings))


def sandbox_report(settings) -> dict:
    from workers.sandbox.sandbox import describe

    return describe(settings)


def _guarded(dependency: Dependency, read):
    """What `read` returns; None, and the dependency marked unavailable, when it fails after all."""
    try:
        return read()
    except Exception as error:
        dependency.ok, dependency.message = False, _message(error)
        return None


def _read_positions(store) -> tuple[list[dict], list[dict], list[dict]]:
    from workers.following import loop_status

    projectors = store.fetchall("SELECT name, position, updated FROM projection_positions ORDER BY name")
    return projectors, _follower_positions(store), loop_status.rows(store)


def _follower_positions(store) -> list[dict]:
    """follower_positions exists once a follower (relay, dispatcher, webhooks) has run."""
    import psycopg2.errors

    try:
        return store.fetchall("SELECT name, position, updated FROM follower_positions ORDER BY name")
    except (sqlite3.OperationalError, psycopg2.errors.UndefinedTable) as error:
        if isinstance(error, sqlite3.OperationalError) and "no such table" not in str(error):
            raise
        return []


# -- the assessment (pure) -----------------------------------------------------------------------------

def assess(head: int | None, dependencies: list[Dependency], projectors: list[dict], followers: list[dict],
           loops: list[dict], now: datetime, max_lag: int, sandbox: dict | None = None) -> dict:
    loop_reports = [_loop(row, now) for row in loops]
    positions = [_position(row, "projector", PROJECTOR_LOOP, head, loop_reports) for row in projectors]
    positions += [_position(row, "follower", row["name"], head, loop_reports) for row in followers]
    problems = [f"{loop['name']} on {loop['instance']}: {_loop_problem(loop)}" for loop in loop_reports if loop["state"] != "ok"]
    problems += [f"{p['kind']} {p['name']} is {p['lag']} notifications behind (more than {max_lag})"
                 for p in positions if p["lag"] is not None and p["lag"] > max_lag]
    if sandbox is not None and sandbox["mode"] == "bwrap" and not sandbox["active"]:
        problems.append(sandbox["message"])
    network = (sandbox or {}).get("network")
    if network and network["mode"] != network["active"]:
        problems.append(network["message"])
    failed = [d for d in dependencies if not d.ok]
    if failed:
        status = "unavailable"
        message = "Unavailable: " + "; ".join(f"{d.name} ({d.target}): {d.message}" for d in failed)
    elif problems:
        status, message = "degraded", "Degraded: " + "; ".join(problems)
    else:
        status, message = "ok", "Every store is reachable and every loop keeps up."
    return {
        "status": status, "message": message, "checked": now.isoformat(), "head": head,
        "dependencies": [d.as_dict() for d in dependencies], "positions": positions, "loops": loop_reports,
        "problems": problems, **({"sandbox": sandbox} if sandbox is not None else {}),
    }


def _age(timestamp: str | None, now: datetime) -> float | None:
    if not timestamp:
        return None
    return round(max(0.0, (now - datetime.fromisoformat(timestamp)).total_seconds()), 1)


def _loop(row: dict, now: datetime) -> dict:
    age = _age(row["heartbeat"], now)
    state = "error" if row["last_error"] else "stale" if age is None or age > STALE_AFTER else "ok"
    return {
        "name": row["name"], "instance": row["instance"], "started": row["started"], "heartbeat": row["heartbeat"],
        "heartbeat_age": age, "last_error": row["last_error"], "last_error_at": row["last_error_at"], "state": state,
    }


def _loop_problem(loop: dict) -> str:
    if loop["state"] == "error":
        return f"last error at {loop['last_error_at']}: {loop['last_error']}"
    return f"no heartbeat for {loop['heartbeat_age']} s"


def _position(row: dict, kind: str, loop_name: str, head: int | None, loops: list[dict]) -> dict:
    """A projection's or follower's position, with what its loop's instances report (the freshest
    heartbeat, the latest error)."""
    mine = [loop for loop in loops if loop["name"] == loop_name]
    ages = [loop["heartbeat_age"] for loop in mine if loop["heartbeat_age"] is not None]
    errors = sorted((loop for loop in mine if loop["last_error"]), key=lambda loop: loop["last_error_at"] or "")
    return {
        "name": row["name"], "kind": kind, "position": row["position"],
        "lag": None if head is None else max(0, head - row["position"]), "updated": row["updated"],
        "loop": loop_name, "heartbeat_age": min(ages) if ages else None,
        "last_error": errors[-1]["last_error"] if errors else None,
    }


def unreachable(settings, error: BaseException) -> str:
    """One line for a command that could not start because a store is away: which, where, why."""
    failed = [d for d in probes(settings) if not d.ok and d.name != "broker"]
    if failed:
        return "; ".join(f"cannot reach the {d.name.replace('_', ' ')} ({d.target}): {d.message}" for d in failed)
    return f"a database is unavailable: {_message(error)}"
