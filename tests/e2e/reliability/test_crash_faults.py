"""Crash faults, end to end on PostgreSQL and RabbitMQ: the API serves a stream of writes over real HTTP
(imports, PATCHes, environment variables, build triggers) while `docsplane projector`, `relay`,
`dispatcher` and two `worker`s run as processes of their own, and a chaos loop kill -9s one of them
at random moments and starts it again. Afterwards: every read model equals a from-scratch replay,
every acknowledged write is in the event log, every event reached a durable queue bound to the events
exchange before the run (at least once), and every build ended (the lease reaper retries the builds of
killed workers).

The chaos lasts DOCSPLANE_CRASH_SECONDS (default 30; longer for a local soak run). The random seed
is printed and in every failure message; DOCSPLANE_CRASH_SEED replays one."""

from __future__ import annotations

import os
import random
import time
import uuid

import pytest
from durable_events import DurableEvents, delete_build_queue
from e2e_support import assert_json
from git_support import build_config, git_repository
from process_fleet import ProcessFleet
from read_model_dump import dump_tables, rebuild_all
from write_traffic import WriteTraffic, logged_requests

KINDS = ("projector", "relay", "dispatcher", "worker")
LEASE_SECONDS = 2  # a killed worker's build is retried ~2 s after its last renewal
SETTLE_SECONDS = 120  # after the chaos, everything must have caught up and every build ended within this


@pytest.fixture
def seed() -> int:
    value = int(os.environ.get("DOCSPLANE_CRASH_SEED") or random.randrange(1_000_000))
    print(f"crash-fault seed: {value} (DOCSPLANE_CRASH_SEED={value} replays it)")
    return value


@pytest.fixture
def events(amqp_url):
    made = DurableEvents(amqp_url)
    yield made
    made.delete()


@pytest.fixture
def fleet(tmp_path):
    made: list[ProcessFleet] = []

    def make(env) -> ProcessFleet:
        made.append(ProcessFleet(env, tmp_path / "logs"))
        return made[-1]

    yield make
    for processes in made:  # also when the test failed: no process is left behind
        processes.stop(timeout=5)


def settled(docsplane, stopped: tuple[str, ...] = ()) -> tuple[bool, str]:
    """Every projection and follower (but the `stopped` ones) at the log's head, and no build still to run
    or running."""
    head = docsplane.app.recorder.max_notification_id() or 0
    store = docsplane.store
    behind = [r["name"] for r in store.fetchall("SELECT name, position FROM projection_positions") if r["position"] < head]
    behind += [r["name"] for r in store.fetchall("SELECT name, position FROM follower_positions")
               if r["position"] < head and r["name"] not in stopped]
    unfinished = store.fetchone("SELECT count(*) AS n FROM builds WHERE state <> 'finished'")["n"]
    return not behind and unfinished == 0, f"head {head}; behind: {behind}; builds not finished: {unfinished}"


def wait_until_settled(docsplane, deadline: float, note: str, processes: ProcessFleet, stopped=()) -> None:
    while not (state := settled(docsplane, stopped))[0]:
        assert processes.dead() == [], f"processes ended by themselves {note}\n{processes.tail()}"
        assert time.monotonic() < deadline, f"not settled {SETTLE_SECONDS} s after the chaos: {state[1]} {note}\n{processes.tail()}"
        time.sleep(0.25)


def busy_worker(fleet_: ProcessFleet, rng: random.Random, within: float) -> int | None:
    """A worker running a build step, waiting for one up to `within` seconds; None if none was."""
    deadline = time.monotonic() + within
    while not (busy := fleet_.busy("worker")) and time.monotonic() < deadline:
        time.sleep(0.02)
    return rng.choice(busy) if busy else None


def chaos(fleet_: ProcessFleet, rng: random.Random, seconds: float) -> dict[str, int]:
    """Kill -9 a randomly chosen process at random moments, each kind at least 3 times, and start it
    again after a random pause. Returns the kills per kind."""
    rounds = max(3, round(seconds / (len(KINDS) * 2.5)))
    schedule = [kind for kind in KINDS for _ in range(rounds)]
    rng.shuffle(schedule)
    slot = seconds / len(schedule)
    started = time.monotonic()
    kills = dict.fromkeys(KINDS, 0)
    for i, kind in enumerate(schedule):
        time.sleep(max(0.0, started + (i + rng.uniform(0.1, 0.9)) * slot - time.monotonic()))
        index = rng.choice(fleet_.instances(kind))
        if kind == "worker" and rng.random() < 0.75:  # mostly mid-build, so that the reaper has work
            index = busy_worker(fleet_, rng, within=slot) or index
        fleet_.kill(kind, index)
        kills[kind] += 1
        time.sleep(rng.uniform(0.05, 1.0))
        fleet_.restart(kind, index)
    return kills


@pytest.mark.postgres
def test_kill_9_of_every_process_under_writes_loses_nothing(
    start_live_server, amqp_url, events, fleet, seed, tmp_path, reliability,
):
    rng = random.Random(seed)
    seconds = float(os.environ.get("DOCSPLANE_CRASH_SECONDS", "30"))
    live = start_live_server(
        "postgres", projector=False, DOCSPLANE_AMQP_URL=amqp_url, DOCSPLANE_EVENTS_EXCHANGE=events.exchange,
        DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}", DOCSPLANE_BUILD_LEASE_SECONDS=LEASE_SECONDS,
        DOCSPLANE_WRITE_WAIT_TIMEOUT="0.5", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off",
    )
    docsplane = live.docsplane
    settings = docsplane.settings
    try:
        token = live.token("alice")
        repo = git_repository(tmp_path / "repo", build_config("echo built", "sleep 0.5"))
        processes = fleet(settings.as_environ())
        for kind in (*KINDS, "worker"):  # two workers
            processes.start(kind)
        traffic = WriteTraffic(live.url, token, seed, threads=3, repository=f"file://{repo}", build_interval=0.6)

        traffic.start()
        try:
            kills = chaos(processes, rng, seconds)
        finally:
            traffic.stop()
        stopped_writing = time.monotonic()
        note = f"(seed {seed})"
        deadline = stopped_writing + SETTLE_SECONDS
        wait_until_settled(docsplane, deadline, note, processes)
        settle_seconds = time.monotonic() - stopped_writing
        assert processes.dead() == [], f"processes ended by themselves {note}\n{processes.tail()}"
        # Workers still append after a settled moment (a version sync queued by an import runs late), so
        # the writers stop first and the followers then catch up with what they wrote.
        processes.stop(kinds=("dispatcher", "worker"))
        wait_until_settled(docsplane, deadline, note, processes, stopped=("dispatcher",))
        processes.stop()

        answers = traffic.answers
        failed = [(a.kind, a.status, a.body) for a in answers if a.status is None or a.status >= 500]
        assert failed == [], f"the API failed requests while its workers were killed {note}: {failed[:5]}"
        acknowledged = traffic.acknowledged()
        logged = logged_requests(docsplane.app)
        lost = [a.request_id for a in acknowledged if a.request_id not in logged]
        assert lost == [], f"acknowledged writes missing from the event log {note}: {lost[:10]}"

        followed = dump_tables(docsplane)
        rebuild_all(docsplane)
        replayed = dump_tables(docsplane)
        differing = [table for table in followed if followed[table] != replayed[table]]
        assert differing == [], f"read models differ from a from-scratch replay in {differing} {note}"

        log_ids = {n.id for n in docsplane.app.recorder.select_notifications(start=1, limit=10**7)}
        received = events.drain()
        missing = sorted(log_ids - set(received))
        assert missing == [], f"{len(missing)} events never reached the queue, e.g. {missing[:10]} {note}"

        builds = followed["builds"]
        triggered = [a for a in acknowledged if a.kind == "build"]
        assert builds and all(b["state"] == "finished" for b in builds)
        for answer in triggered:
            path = answer.location.split("/api/v3", 1)[1]
            assert assert_json(live.get(f"/api/v3{path}", token), 200)["state"]["code"] == "finished", note
        assert all(kills[kind] >= 3 for kind in KINDS), kills
        retried = sum(names.count("BuildRetried") for names in logged.values())
        print(f"{len(answers)} requests, {len(acknowledged)} writes acknowledged, kills {kills}, {len(builds)} builds "
              f"({retried} retried after a worker died), {len(received)} messages for {len(log_ids)} events; "
              f"settled {settle_seconds:.1f} s after the chaos")
    finally:
        delete_build_queue(settings)

    reliability.record(
        "Crash faults: kill -9 of projector, relay, dispatcher, workers under writes",
        requests=len(answers), writes_acknowledged=len(acknowledged), faults_injected=sum(kills.values()),
        **{f"{kind}_kills": kills[kind] for kind in KINDS}, builds=len(builds), builds_retried=retried,
        events_relayed=len(received), lost=len(lost),
    )
