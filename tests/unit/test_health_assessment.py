"""The health report's rules (docsplane/health.py `assess`), its table, and which errors are outages."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import psycopg2
from eventsourcing.persistence import OperationalError

from docsplane.health import STALE_AFTER, Dependency, assess, redact
from docsplane.status_table import render
from docsplane.unavailable import unavailable_store

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
REACHABLE = [Dependency("event_store", "SQLite events", True, "reachable"), Dependency("read_store", "SQLite rm", True, "reachable")]


def ago(seconds: float) -> str:
    return (NOW - timedelta(seconds=seconds)).isoformat()


def loop(name="projector", instance="host:1", heartbeat=2.0, error=None, error_at=None) -> dict:
    return {"name": name, "instance": instance, "started": ago(600), "heartbeat": ago(heartbeat),
            "last_error": error, "last_error_at": error_at}


def position(name: str, at: int) -> dict:
    return {"name": name, "position": at, "updated": ago(1)}


def report(head=10, dependencies=REACHABLE, projectors=(), followers=(), loops=(), max_lag=100) -> dict:
    return assess(head, list(dependencies), list(projectors), list(followers), list(loops), NOW, max_lag)


def test_all_caught_up_and_beating_is_ok_with_lags_per_position():
    answer = report(head=10, projectors=[position("projects", 10), position("builds", 7)],
                    followers=[position("relay", 4)], loops=[loop(), loop("relay", heartbeat=1.0)])
    assert answer["status"] == "ok" and answer["problems"] == []
    assert [(p["name"], p["kind"], p["lag"], p["loop"], p["heartbeat_age"]) for p in answer["positions"]] == [
        ("projects", "projector", 0, "projector", 2.0), ("builds", "projector", 3, "projector", 2.0), ("relay", "follower", 6, "relay", 1.0),
    ]


def test_a_loop_with_an_error_makes_it_degraded_and_its_positions_show_the_error():
    answer = report(projectors=[position("projects", 10)],
                    loops=[loop(instance="a:1"), loop(instance="b:2", error="OperationalError: gone", error_at=ago(3))])
    assert answer["status"] == "degraded"
    assert answer["problems"] == [f"projector on b:2: last error at {ago(3)}: OperationalError: gone"]
    assert answer["positions"][0]["last_error"] == "OperationalError: gone"
    assert [l["state"] for l in answer["loops"]] == ["ok", "error"]


def test_a_silent_loop_is_stale_and_degraded():
    answer = report(loops=[loop("relay", heartbeat=STALE_AFTER + 1)])
    assert answer["status"] == "degraded" and answer["loops"][0]["state"] == "stale"
    assert "no heartbeat for" in answer["problems"][0]


def test_lag_above_the_threshold_is_degraded_at_the_threshold_not():
    assert report(head=110, projectors=[position("projects", 10)])["status"] == "ok"
    answer = report(head=111, projectors=[position("projects", 10)])
    assert answer["status"] == "degraded" and answer["problems"] == ["projector projects is 101 notifications behind (more than 100)"]


def test_an_unreachable_dependency_is_unavailable_and_named_in_the_message():
    broker = Dependency("broker", "AMQP 127.0.0.1:1", False, "[Errno 111] Connection refused")
    answer = report(head=None, dependencies=[*REACHABLE, broker], projectors=[position("projects", 3)],
                    loops=[loop(error="x", error_at=ago(1))])
    assert answer["status"] == "unavailable"
    assert answer["message"] == "Unavailable: broker (AMQP 127.0.0.1:1): [Errno 111] Connection refused"
    assert answer["dependencies"][2] == {"name": "broker", "target": "AMQP 127.0.0.1:1", "status": "unavailable",
                                         "message": "[Errno 111] Connection refused"}
    assert answer["positions"][0]["lag"] is None  # no head, no lag


def test_passwords_never_show():
    assert redact("amqp://guest:hunter2@rabbit:5672// and postgresql://u:p@db/x") == "amqp://guest:***@rabbit:5672// and postgresql://u:***@db/x"
    assert redact("postgresql://u@db/x") == "postgresql://u@db/x"


def test_the_table_is_aligned_and_says_the_status_first():
    text = render(report(projectors=[position("projects", 10), position("environment_variables", 9)], loops=[loop()]))
    lines = text.splitlines()
    assert lines[0].startswith("status: ok:")
    header = next(line for line in lines if line.startswith("POSITION"))
    rows = [line for line in lines if line.startswith(("projects ", "environment_variables "))]
    assert len(rows) == 2 and {row.index(" projector ") for row in rows} == {header.index("KIND") - 1}


def test_only_connection_level_errors_are_outages():
    assert unavailable_store(OperationalError("couldn't get a connection after 5.00 sec")) == "event store"
    assert unavailable_store(psycopg2.OperationalError("connection refused")) == "read-model database"
    assert unavailable_store(sqlite3.OperationalError("unable to open database file")) == "read-model database"
    assert unavailable_store(sqlite3.OperationalError("no such table: projects")) is None
    assert unavailable_store(ValueError("unable to open database")) is None


def test_builds_unsandboxed_against_the_settings_make_it_degraded_and_none_chosen_does_not():
    off = {"mode": "bwrap", "active": False, "message": "builds are NOT sandboxed: bwrap is not installed"}
    answer = assess(10, list(REACHABLE), [], [], [], NOW, 100, off)
    assert (answer["status"], answer["problems"], answer["sandbox"]) == ("degraded", [off["message"]], off)
    assert "build sandbox: OFF (DOCSPLANE_BUILD_SANDBOX=bwrap): builds are NOT sandboxed" in render(answer)

    chosen = {"mode": "none", "active": False, "message": "builds are NOT sandboxed: DOCSPLANE_BUILD_SANDBOX=none"}
    assert assess(10, list(REACHABLE), [], [], [], NOW, 100, chosen)["status"] == "ok"


def test_a_build_network_not_isolated_against_the_settings_makes_it_degraded_and_host_chosen_does_not():
    def sandbox(mode: str, active: str, message: str) -> dict:
        return {"mode": "bwrap", "active": True, "message": "every build step runs in a bubblewrap sandbox",
                "network": {"mode": mode, "active": active, "message": message}}

    fallen_back = sandbox("isolated", "host", "builds' network is NOT isolated: slirp4netns is not installed; ...")
    answer = assess(10, list(REACHABLE), [], [], [], NOW, 100, fallen_back)
    assert (answer["status"], answer["problems"]) == ("degraded", [fallen_back["network"]["message"]])
    assert "build network: host (DOCSPLANE_BUILD_NETWORK=isolated): builds' network is NOT isolated" in render(answer)

    for chosen in ("host", "none", "isolated"):
        assert assess(10, list(REACHABLE), [], [], [], NOW, 100, sandbox(chosen, chosen, "..."))["status"] == "ok"
