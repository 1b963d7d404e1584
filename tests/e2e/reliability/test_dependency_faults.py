"""Dependency faults during traffic, over real HTTP on PostgreSQL (tests/e2e/outages.py says how a
server goes away: by default only what the test owns, since the servers are shared).

- PostgreSQL away while several threads keep writing and reading: every answer while it is down is a
  JSON 503 with Retry-After, none takes longer than a bound, the API recovers by itself, every
  acknowledged write is in the event log and the read models, and a write answered 503 either did
  nothing or is wholly there.
- RabbitMQ away while the API takes writes and the relay, dispatcher and a worker run: writes go on,
  and once the broker is back every event reaches a durable queue bound before, and the builds
  triggered meanwhile run."""

from __future__ import annotations

import dataclasses
import time
import uuid

import pytest
from durable_events import DurableEvents, delete_build_queue
from e2e_support import assert_json
from git_support import build_config, git_repository
from outages import broker_outage, database_outage
from read_model_dump import dump_tables, rebuild_all
from write_traffic import WriteTraffic, logged_requests

SEED = 6  # the traffic's choices; the outages' timing is what varies
BEFORE, DOWN, AFTER = 3.0, 8.0, 4.0  # seconds of traffic before, during and after an outage
ANSWER_BOUND = 15.0  # no request may wait longer than this for its answer, outage or not
RECOVERY = 3.0  # seconds after the database is back by which every request succeeds again
SUCCESS = {200, 201, 202, 204}


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return value


def through_outage(traffic, outage, at_the_end_of_it=lambda: None):
    """Traffic before, during and after the outage; returns when it went down and came back, and what
    `at_the_end_of_it()` found just before the outage ended."""
    traffic.start()
    try:
        time.sleep(BEFORE)
        with outage.away():
            down_at = time.monotonic()
            time.sleep(DOWN)
            found = at_the_end_of_it()
            up_at = time.monotonic()
        time.sleep(AFTER)
    finally:
        traffic.stop()
    return down_at, up_at, found


def shape(names: list[str]) -> frozenset[str]:
    """What a write recorded, without the id-block bookkeeping some writes happen to need."""
    return frozenset(names) - {"BlockReserved"}


def resource_of(live, token: str, location: str) -> int:
    return live.get(location, token).status_code


def caught_up(docsplane) -> bool:
    head = docsplane.app.recorder.max_notification_id() or 0
    return all(r["position"] >= head for r in docsplane.store.fetchall("SELECT position FROM projection_positions"))


@pytest.mark.postgres
def test_postgresql_away_during_traffic_is_503_then_recovers_losing_nothing(
    own_database, start_live_server, tmp_path, reliability,
):
    name, reachable = own_database
    outage = database_outage(reachable)
    live = start_live_server(
        "postgres", POSTGRES_DBNAME=name, POSTGRES_SCHEMA="public", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off",
        DOCSPLANE_READ_DB_URL=f"postgresql://postgres@127.0.0.1:5432/{name}",
    )
    token = live.token("alice")
    repo = git_repository(tmp_path / "repo", build_config("echo never built"))  # no worker runs here
    traffic = WriteTraffic(live.url, token, SEED, threads=4, repository=f"file://{repo}", build_interval=0.3, label="pg")

    down_at, up_at, _ = through_outage(traffic, outage)
    answers = traffic.answers

    during = [a for a in answers if a.started >= down_at and a.started + a.elapsed <= up_at]
    assert len(during) >= 8, f"too little traffic during the outage to prove anything: {len(during)}"
    for answer in during:
        assert answer.status == 503 and answer.content_type.startswith("application/json"), answer
        assert answer.retry_after == "5" and "unavailable" in answer.body["message"], answer
    odd = [(a.kind, a.status, a.body) for a in answers if a.status not in SUCCESS | {503}]
    assert odd == [], f"answers other than success or 503: {odd[:5]}"
    slowest = max(answers, key=lambda a: a.elapsed)
    assert slowest.elapsed < ANSWER_BOUND, f"a request waited {slowest.elapsed:.1f} s for its answer: {slowest}"
    late = [(a.kind, a.status) for a in answers if a.started >= up_at + RECOVERY and a.status not in SUCCESS]
    assert late == [], f"still failing {RECOVERY} s after the database came back: {late[:5]}"
    assert any(a.started >= up_at + RECOVERY for a in answers), "no traffic after the recovery"

    # Nothing lost: the log has every acknowledged write, the read models show it (as a replay would).
    wait_until(lambda: caught_up(live.docsplane), 30, "the projector to catch up")
    logged = logged_requests(live.docsplane.app)
    acknowledged = traffic.acknowledged()
    lost = [a.request_id for a in acknowledged if a.request_id not in logged]
    assert lost == [], f"acknowledged writes missing from the event log: {lost[:10]}"
    invisible = [a.location for a in acknowledged if a.location and resource_of(live, token, a.location) != 200]
    assert invisible == [], f"acknowledged writes not visible: {invisible[:10]}"
    followed = dump_tables(live.docsplane)
    rebuild_all(live.docsplane)
    assert dump_tables(live.docsplane) == followed

    # No half writes: a write answered 503 recorded nothing, or all that such a write records.
    shapes: dict[str, set] = {}
    for answer in acknowledged:
        shapes.setdefault(answer.kind, set()).add(shape(logged[answer.request_id]))
    refused = [a for a in answers if a.kind != "read" and a.status == 503]
    recorded = [a for a in refused if a.request_id in logged]
    for answer in recorded:  # the connection was lost after the commit: the answer must not say "nothing"
        assert shape(logged[answer.request_id]) in shapes[answer.kind], (answer, logged[answer.request_id])
        assert "may or may not have been recorded" in answer.body["message"], answer
    assert_json(wait_until(lambda: (r := live.get("/api/v3/_health")).status_code == 200 and r, 30, "health ok"), 200)

    print(f"{len(answers)} requests ({len(during)} while down, all 503), {len(acknowledged)} writes acknowledged, "
          f"{len(refused)} writes answered 503 ({len(recorded)} of them recorded whole); slowest answer "
          f"{slowest.elapsed:.1f} s ({outage.description})")
    reliability.record(
        f"Dependency faults: {outage.description}, during traffic", requests=len(answers), outages_injected=1,
        answers_503=sum(1 for a in answers if a.status == 503), writes_acknowledged=len(acknowledged), lost=len(lost),
    )


@pytest.mark.postgres
def test_rabbitmq_away_during_traffic_delays_events_and_builds_but_loses_none(
    start_live_server, amqp_url, tmp_path, reliability,
):
    outage = broker_outage(amqp_url)
    events = DurableEvents(amqp_url)
    live = start_live_server(
        "postgres", background=True, DOCSPLANE_AMQP_URL=outage.url, DOCSPLANE_EVENTS_EXCHANGE=events.exchange,
        DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}", DOCSPLANE_RUN_WEBHOOKS="false",
        DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off",
    )
    docsplane = live.docsplane
    try:
        token = live.token("alice")
        repo = git_repository(tmp_path / "repo", build_config("echo built"))
        traffic = WriteTraffic(live.url, token, SEED, threads=3, repository=f"file://{repo}", build_interval=1.5,
                               label="mq")
        down_at, up_at, relay_behind = through_outage(
            traffic, outage, lambda: follower_position(docsplane, "relay") < docsplane.app.recorder.max_notification_id()
        )
        answers = traffic.answers

        failed = [(a.kind, a.status, a.body) for a in answers if a.status not in SUCCESS]
        assert failed == [], f"the API needs no broker to take writes: {failed[:5]}"
        during = [a for a in answers if a.acknowledged and down_at <= a.started <= up_at]
        built_during = [a for a in during if a.kind == "build"]
        assert during and built_during, "no writes or no builds triggered while the broker was away"
        assert relay_behind, "the relay kept up through the outage: the broker was not away"

        def delivered() -> bool:
            head = docsplane.app.recorder.max_notification_id()
            builds = docsplane.store.fetchone("SELECT count(*) AS n FROM builds WHERE state <> 'finished'")["n"]
            return builds == 0 and all(follower_position(docsplane, f) >= head for f in ("relay", "dispatcher"))

        caught_up_in = time.monotonic()
        wait_until(delivered, 60, "the relay and the builds to catch up after the outage")
        caught_up_in = time.monotonic() - caught_up_in
        log_ids = {n.id for n in docsplane.app.recorder.select_notifications(start=1, limit=10**7)}
        received = events.drain()
        missing = sorted(log_ids - set(received))
        assert missing == [], f"{len(missing)} events never reached the queue, e.g. {missing[:10]}"
        for answer in built_during:
            build = assert_json(live.get(answer.location, token), 200)
            assert build["state"]["code"] == "finished" and build["success"] is True, build
        acknowledged = traffic.acknowledged()
        logged = logged_requests(docsplane.app)
        lost = [a.request_id for a in acknowledged if a.request_id not in logged]
        assert lost == []
        print(f"{len(answers)} requests ({len(during)} writes while the broker was away, {len(built_during)} builds), "
              f"{len(received)} messages for {len(log_ids)} events, caught up {caught_up_in:.1f} s after the traffic "
              f"({outage.description})")
    finally:
        events.delete()
        delete_build_queue(dataclasses.replace(docsplane.settings, amqp_url=amqp_url))  # not through the proxy

    reliability.record(
        f"Dependency faults: {outage.description}, during traffic", requests=len(answers), outages_injected=1,
        writes_during_outage=len(during), builds_during_outage=len(built_during), events_relayed=len(received),
        lost=len(lost) + len(missing),
    )


def follower_position(docsplane, name: str) -> int:
    row = docsplane.store.fetchone("SELECT position FROM follower_positions WHERE name = ?", (name,))
    return row["position"] if row else 0
