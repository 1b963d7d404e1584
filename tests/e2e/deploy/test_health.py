"""Operators' view over real HTTP and the real command line: GET /api/v3/_health, `docsplane status`,
and JSON 503 answers (then full recovery, without a restart) while a database cannot be reached."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from e2e_support import assert_json, project_body

from docsplane.bootstrap import build

HEALTH = "/api/v3/_health"
DOCSPLANE = [sys.executable, "-m", "docsplane.cli"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def caught_up(live) -> dict | None:
    report = assert_json(live.get(HEALTH), 200)
    return report if report["positions"] and all(p["lag"] == 0 for p in report["positions"]) else None


def test_health_reports_head_positions_and_loops_without_a_token(live_server, alice, project):
    report = eventually(lambda: caught_up(live_server))

    assert report, "the projector did not catch up"
    assert report["status"] == "ok" and report["message"] == "Every store is reachable and every loop keeps up."
    assert report["head"] == live_server.log_head() > 0
    positions = {p["name"]: p for p in report["positions"]}
    assert {"projects", "versions", "builds", "users"} <= set(positions)
    assert positions["projects"]["position"] == report["head"] and positions["projects"]["kind"] == "projector"
    [projector] = [loop for loop in report["loops"] if loop["name"] == "projector"]
    assert projector["state"] == "ok" and projector["instance"] == f"{socket.gethostname()}:{os.getpid()}"
    assert projector["heartbeat_age"] < 30 and positions["projects"]["heartbeat_age"] < 30
    assert [d["status"] for d in report["dependencies"]] == ["ok", "ok"]

    head = live_server.request("HEAD", HEALTH)
    assert head.status_code == 200 and head.content == b""


def test_an_unreachable_broker_is_503_json_and_writes_carry_on(backend, start_live_server):
    port = closed_port()
    live = start_live_server(backend, DOCSPLANE_AMQP_URL=f"amqp://guest:hunter2@127.0.0.1:{port}//")

    response = live.get(HEALTH)

    report = assert_json(response, 503)
    assert response.headers["Retry-After"] == "5"
    assert report["status"] == "unavailable"
    assert report["message"].startswith(f"Unavailable: broker (AMQP 127.0.0.1:{port}): ")
    assert [d["status"] for d in report["dependencies"]] == ["ok", "ok", "unavailable"]
    assert "hunter2" not in response.text and "Traceback" not in response.text
    token = live.token("alice")  # the API does not need the broker to take writes
    assert_json(live.post("/api/v3/projects/", token, json=project_body("Still Writing")), 201)


def run_status(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    return subprocess.run([*DOCSPLANE, *args], env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_status_command_reports_a_healthy_store_and_exits_0(backend, make_settings):
    settings = make_settings(backend)
    docsplane = build(settings)
    try:
        docsplane.users.create_user("alice")
        docsplane.catch_up()
        log_head = docsplane.app.recorder.max_notification_id()
    finally:
        docsplane.close()

    table = run_status(settings.as_environ(), "status")
    as_json = run_status(settings.as_environ(), "status", "--json")

    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("status: ok:") and f"event store head: {log_head} " in table.stdout
    assert any(line.split()[:4] == ["users", "projector", str(log_head), "0"] for line in table.stdout.splitlines())
    assert as_json.returncode == 0 and '"status": "ok"' in as_json.stdout and f'"head": {log_head}' in as_json.stdout


def test_status_and_workers_against_an_unreachable_postgresql_say_so_in_one_line(tmp_path):
    env = {
        "DOCSPLANE_DATA_DIR": str(tmp_path), "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "1", "POSTGRES_DBNAME": "docsplane", "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "s3cret",
        "POSTGRES_CONNECT_TIMEOUT": "1", "DOCSPLANE_READ_DB_URL": "postgresql://postgres:s3cret@127.0.0.1:1/docsplane",
    }

    status = run_status(env, "status")
    projector = run_status(env, "projector")  # any command: build() fails before it starts

    assert status.returncode == 2 and status.stdout == ""
    assert status.stderr.count("\n") == 1 and "Traceback" not in status.stderr and "s3cret" not in status.stderr
    assert status.stderr.startswith("error: Unavailable: event_store (PostgreSQL 127.0.0.1:1/docsplane): ")
    assert "read_store (PostgreSQL 127.0.0.1:1/docsplane)" in status.stderr and "Connection refused" in status.stderr
    assert projector.returncode == 2, projector.stderr
    assert "Traceback" not in projector.stderr and "s3cret" not in projector.stderr
    assert projector.stderr.strip().splitlines()[-1].startswith("error: cannot reach the event store (PostgreSQL 127.0.0.1:1/docsplane): ")


@pytest.mark.postgres
def test_a_database_outage_is_json_503_then_the_api_recovers_without_a_restart(own_database, start_live_server):
    name, reachable = own_database
    live = start_live_server(
        "postgres", POSTGRES_DBNAME=name, POSTGRES_SCHEMA="public", POSTGRES_CONNECT_TIMEOUT="2",
        DOCSPLANE_READ_DB_URL=f"postgresql://postgres@127.0.0.1:5432/{name}",
    )
    alice = live.token("alice")
    before = assert_json(live.post("/api/v3/projects/", alice, json=project_body("Before")), 201)["slug"]

    reachable(False)
    try:
        started = time.monotonic()
        answers = [live.get("/api/v3/projects/", alice), live.post("/api/v3/projects/", alice, json=project_body("During")),
                   live.get(HEALTH)]
        elapsed = time.monotonic() - started
    finally:
        reachable(True)

    for answer in answers:
        body = assert_json(answer, 503)
        assert answer.headers["Retry-After"] == "5" and "Traceback" not in answer.text
    assert answers[0].json()["message"] == "The read-model database is unavailable; nothing was changed. Retry shortly."
    assert {d["name"]: d["status"] for d in body["dependencies"]} == {"event_store": "unavailable", "read_store": "unavailable"}
    assert "not currently accepting connections" in body["message"]
    assert elapsed < 20, f"503 answers should be quick, took {elapsed:.1f} s"

    listed = assert_json(live.get("/api/v3/projects/", alice), 200)  # at once: the pools dropped their dead connections
    after = assert_json(live.post("/api/v3/projects/", alice, json=project_body("After")), 201)["slug"]

    assert before in {p["slug"] for p in listed["results"]}
    slugs = {p["slug"] for p in assert_json(live.get("/api/v3/projects/", alice), 200)["results"]}
    assert {before, after} <= slugs and "during" not in slugs
    recovered = eventually(lambda: live.get(HEALTH).json()["status"] == "ok")
    assert recovered, live.get(HEALTH).json()["message"]


@pytest.mark.postgres
def test_connections_cut_by_a_database_restart_fail_no_request(own_database, start_live_server):
    name, reachable = own_database
    live = start_live_server("postgres", POSTGRES_DBNAME=name, POSTGRES_SCHEMA="public",
                             DOCSPLANE_READ_DB_URL=f"postgresql://postgres@127.0.0.1:5432/{name}")
    alice = live.token("alice")
    with ThreadPoolExecutor(8) as pool:  # several pooled connections, idle afterwards
        assert {r.status_code for r in pool.map(lambda _: live.get("/api/v3/projects/", alice), range(16))} == {200}

    reachable(False)  # every connection is ended, as by a restart ...
    reachable(True)  # ... and the server is back at once

    assert [live.get("/api/v3/projects/", alice).status_code for _ in range(12)] == [200] * 12
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("After Restart")), 201)
