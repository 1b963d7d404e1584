"""The audit history on each backend: request ids stamped on stored events (by the API's context,
by workers per job, by a save of its own), the audit projection's rows, filters and redaction."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta

import pytest
from eventsourcing.persistence import EventStore, Mapper
from git_support import build_config, git_repository
from integration_support import dump_tables, populate, project_settings, rebuild_all

from commands.handling.loading import load_project
from commands.handling.request_context import request_context
from domain.ids import build_id
from domain.user import User
from projections.audit.queries import AuditFilter
from workers.webhooks.worker import WebhookDeliverer
from workers.builds.worker import Job
from workers.wiring import build_worker, lease_reaper

SECRET_VALUE = "correct-horse-battery-staple"
WEBHOOK_SECRET = "webhook-signing-secret-42"


def stored(docsplane, aggregate_id) -> list:
    return list(docsplane.app.events.get(aggregate_id))


def rows(docsplane, **selected) -> list[dict]:
    docsplane.catch_up()
    return docsplane.audit_queries.list(AuditFilter(**selected), limit=1000).results


def test_events_carry_the_request_and_correlation_ids(docsplane):
    with request_context("req-1", "corr-1"):
        slug = docsplane.projects.import_project("alice", project_settings("Pip")).value
    with request_context("req-2"):
        docsplane.projects.update_project("alice", slug, {"homepage": "https://pip.example/"})
    events = stored(docsplane, load_project(docsplane.app, slug).id)
    assert [(e.request_id, e.correlation_id) for e in events] == [("req-1", "corr-1"), ("req-2", "req-2")]
    # Aggregates never see the ids, and load as before.
    assert not hasattr(load_project(docsplane.app, slug), "request_id")


def test_a_save_outside_any_request_is_a_request_of_its_own(docsplane):
    first = docsplane.app.save(User(username="carol", actor="test"))
    second = docsplane.app.save(User(username="dave", actor="test"))
    carol, dave = (stored(docsplane, r[0].domain_event.originator_id)[0] for r in (first, second))
    assert carol.request_id and carol.correlation_id == carol.request_id
    assert dave.request_id != carol.request_id


def test_events_stored_before_request_ids_audit_as_null(docsplane):
    plain = EventStore(mapper=Mapper(transcoder=docsplane.app.mapper.transcoder), recorder=docsplane.app.recorder)
    plain.put(User(username="old", actor="release-1").collect_events())
    (row,) = rows(docsplane, actor="release-1")
    assert (row["type"], row["request_id"], row["correlation_id"]) == ("UserCreated", None, None)


def test_one_row_per_event_with_its_project_and_no_secret(docsplane):
    populate(docsplane)
    with request_context("req-secrets"):
        docsplane.environment_variables.create_environment_variable("alice", "alpha-docs", "API_KEY", SECRET_VALUE)
        docsplane.notifications.create_webhook("alice", "alpha-docs", "https://ci.example/h", ["build:failed"], secret=WEBHOOK_SECRET)
    everything = rows(docsplane)
    log = [n for n in docsplane.app.recorder.select_notifications(start=1, limit=100_000) if ":IdSequence." not in n.topic]
    assert sorted(r["id"] for r in everything) == [n.id for n in log]  # every event but the id sequences'
    assert [r["id"] for r in everything] == sorted((r["id"] for r in everything), reverse=True)  # newest first

    secrets_request = rows(docsplane, correlation_id="req-secrets")
    assert {r["type"] for r in secrets_request} == {
        "EnvironmentVariableCreated", "EnvironmentVariableNameClaimed", "WebhookCreated", "NotificationTargetClaimed",
    }
    assert {(r["project_slug"], r["actor"], r["request_id"]) for r in secrets_request} == {("alpha-docs", "alice", "req-secrets")}
    created = next(r for r in secrets_request if r["type"] == "EnvironmentVariableCreated")
    assert created["aggregate_type"] == "EnvironmentVariable" and created["data"]["name"] == "API_KEY"
    assert created["data"]["value_ciphertext"] == "[redacted]"

    tables = json.dumps({t: v for t, v in dump_tables(docsplane).items() if t.startswith("audit_")}, default=str)
    for secret in (SECRET_VALUE, WEBHOOK_SECRET, "rotated", "s3cret"):
        assert secret not in tables
    for event in (docsplane.app.mapper.to_domain_event(n) for n in log):  # nor any ciphertext or hash the events hold
        for field in ("value_ciphertext", "secret_ciphertext", "token_hash"):
            if hasattr(event, field):
                assert getattr(event, field) not in tables


def test_project_of_events_that_do_not_name_it(docsplane):
    populate(docsplane)
    alpha = rows(docsplane, project_slug="alpha-docs")
    types = {r["type"] for r in alpha}
    # BuildStateChanged, EnvironmentVariableNameClaimed, WebhookUpdated... name no project themselves.
    assert {"ProjectImported", "ProjectUpdated", "BuildStateChanged", "BuildFinished", "EnvironmentVariableNameClaimed",
            "EnvironmentVariableDeleted", "WebhookUpdated", "WebhookDeliveryAttempted", "SlugClaimed"} <= types
    assert len({r["project_id"] for r in alpha}) == 1
    assert not [r for r in rows(docsplane) if r["aggregate_type"] in ("Build", "Version", "Redirect") and r["project_slug"] is None]
    assert {r["project_slug"] for r in rows(docsplane, types=("UserCreated", "TokenIssued"))} == {None}


def test_a_deleted_projects_history_stays(docsplane):
    first = docsplane.projects.import_project("alice", project_settings("Pip")).value
    docsplane.catch_up()
    first_id = docsplane.read_model.project(first, "alice")["aggregate_id"]
    docsplane.projects.delete_project("alice", "pip")
    docsplane.projects.import_project("bob", project_settings("Pip"))
    docsplane.catch_up()
    second_id = docsplane.read_model.project("pip", "bob")["aggregate_id"]

    old = rows(docsplane, project_id=first_id)
    assert {"ProjectImported", "ProjectDeleted", "SlugReleased"} <= {r["type"] for r in old}
    assert {r["project_slug"] for r in old} == {"pip"}
    assert {r["actor"] for r in rows(docsplane, project_id=second_id) if r["actor"]} == {"bob"}
    assert {r["project_id"] for r in rows(docsplane, project_slug="pip")} == {first_id, second_id}


def test_filters(docsplane):
    populate(docsplane, users=("alice", "bob"))
    everything = rows(docsplane)
    assert {r["actor"] for r in rows(docsplane, actor="worker")} == {"worker"}
    assert len(rows(docsplane, actor="worker")) == sum(r["actor"] == "worker" for r in everything)
    builds = rows(docsplane, types=("BuildTriggered", "BuildFinished"))
    assert sorted(r["type"] for r in builds) == ["BuildFinished"] * 2 + ["BuildTriggered"] * 3
    assert rows(docsplane, types=("BuildTriggered",), project_slug="beta-docs", actor="alice")[0]["type"] == "BuildTriggered"

    middle = sorted(everything, key=lambda r: r["id"])[len(everything) // 2]
    moment = datetime.fromisoformat(middle["created"])
    since, until = rows(docsplane, since=moment), rows(docsplane, until=moment)
    assert since and until and len(since) + len(until) >= len(everything)
    assert all(r["created"] >= middle["created"] for r in since) and all(r["created"] <= middle["created"] for r in until)
    assert rows(docsplane, since=moment + timedelta(days=1)) == []

    page = docsplane.audit_queries.list(AuditFilter(), limit=3, offset=2)
    assert page.count == len(everything) and page.results == everything[2:5]


def test_rebuild_gives_the_same_history(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    incremental = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == incremental


# -- work done on behalf of a request -------------------------------------------------------------

@pytest.fixture
def repository_project(docsplane, tmp_path):
    repo = git_repository(tmp_path / "repo", build_config("sleep 1", "echo done"))
    settings = project_settings("Fixture", repository={"url": f"file://{repo}", "type": "git"})
    return docsplane.projects.import_project("alice", settings).value


@pytest.mark.parametrize("backend", ["sqlite"])  # the worker's side is the same on both; the stores are tested above
def test_a_builds_worker_writes_with_the_triggering_requests_correlation_id(docsplane, repository_project):
    # Renewals (written by the lease keeper's own thread) during the 1 s step.
    docsplane.settings = dataclasses.replace(docsplane.settings, build_lease_seconds=0.9)
    docsplane.build_leases.lease_seconds = 0.9
    with request_context("trigger-request", "the-correlation"):
        number = docsplane.builds.trigger_build("alice", repository_project).value
    worker = build_worker(docsplane, connection=None, name="worker:test")
    worker.run_job(Job(number, message=None))

    trigger, *work = stored(docsplane, build_id(number))
    assert (trigger.request_id, trigger.correlation_id) == ("trigger-request", "the-correlation")
    kinds = {type(e).__name__ for e in work}
    assert {"BuildLeased", "LeaseRenewed", "BuildStateChanged", "BuildCommandRecorded", "BuildFinished"} <= kinds
    assert {e.correlation_id for e in work} == {"the-correlation"}
    (job_request,) = {e.request_id for e in work}
    assert job_request != "trigger-request"
    assert {r["correlation_id"] for r in rows(docsplane, correlation_id="the-correlation")} == {"the-correlation"}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_reaper_retries_a_build_under_its_correlation_id(docsplane, repository_project):
    docsplane.build_leases.lease_seconds = 0.01
    with request_context("trigger-request", "the-correlation"):
        number = docsplane.builds.trigger_build("alice", repository_project).value
    docsplane.build_leases.lease_build("worker:gone", number)
    docsplane.catch_up()
    time.sleep(0.05)
    lease_reaper(docsplane).run_batch()
    retried = stored(docsplane, build_id(number))[-1]
    assert type(retried).__name__ == "BuildRetried"
    assert retried.correlation_id == "the-correlation" and retried.request_id not in ("trigger-request", "the-correlation")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_webhook_attempts_carry_the_builds_correlation_id(docsplane, repository_project):
    docsplane.notifications.create_webhook("alice", repository_project, "http://127.0.0.1:9/hook", ["build:triggered"])
    with request_context("trigger-request", "the-correlation"):
        docsplane.builds.trigger_build("alice", repository_project)
    docsplane.catch_up()
    WebhookDeliverer(docsplane).follower.run_batch()
    attempts = rows(docsplane, types=("WebhookDeliveryStarted", "WebhookDeliveryAttempted"))
    assert attempts and {(r["actor"], r["correlation_id"]) for r in attempts} == {("webhooks", "the-correlation")}
    assert len({r["request_id"] for r in attempts}) == 1
