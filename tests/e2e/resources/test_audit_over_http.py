"""The audit history over real HTTP and from the real command line: X-Request-Id on every answer and
on every event a request stores, GET .../events/ (maintainers only, paginated, filtered), and no
secret value in any answer or in `docsplane audit`'s output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from e2e_support import assert_error, assert_json, project_body

EVENTS = "/api/v3/projects/test-project/events/"
ENV_VALUE = "env-value-never-shown-7f3a"
WEBHOOK_SECRET = "webhook-secret-never-shown-9c1d"
ITEM_FIELDS = {"id", "type", "created", "actor", "request_id", "correlation_id", "aggregate", "project", "data", "_links"}


def audited(live, path: str, token: str, until=lambda body: body["count"] > 0, timeout: float = 10.0) -> dict:
    """GET the history once the projector shows what is awaited (the audit is not read-your-writes)."""
    deadline = time.monotonic() + timeout
    while True:
        body = assert_json(live.get(path, token), 200)
        if until(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_every_answer_echoes_a_request_id(live_server, alice):
    ok = live_server.get("/api/v3/projects/", alice)
    assert len(ok.headers["X-Request-Id"]) == 32 and ok.headers["X-Correlation-Id"] == ok.headers["X-Request-Id"]
    given = live_server.get("/api/v3/projects/nope/", alice, headers={"X-Request-Id": "client.req:42-a_b"})
    assert given.status_code == 404 and given.headers["X-Request-Id"] == "client.req:42-a_b"
    unauthenticated = live_server.get("/api/v3/projects/", headers={"X-Correlation-Id": "flow-1"})
    assert unauthenticated.status_code == 401 and unauthenticated.headers["X-Correlation-Id"] == "flow-1"
    for insane in ("has space", "x" * 129, "semi;colon", "ünï"):
        replaced = live_server.get("/api/v3/", headers={"X-Request-Id": insane.encode().decode("latin-1")})
        assert replaced.headers["X-Request-Id"] != insane and len(replaced.headers["X-Request-Id"]) == 32


def test_a_requests_events_share_its_ids(live_server, alice):
    response = live_server.post("/api/v3/projects/", alice, json=project_body("Test Project"),
                                headers={"X-Request-Id": "import-1", "X-Correlation-Id": "onboarding-7"})
    assert response.status_code == 201 and response.headers["X-Request-Id"] == "import-1"
    body = audited(live_server, EVENTS, alice)
    assert {"ProjectImported", "VersionCreated", "SlugClaimed"} <= {item["type"] for item in body["results"]}
    assert {(i["request_id"], i["correlation_id"]) for i in body["results"]} == {("import-1", "onboarding-7")}
    imported = next(i for i in body["results"] if i["type"] == "ProjectImported")
    assert set(imported) == ITEM_FIELDS
    assert imported["aggregate"]["type"] == "Project" and imported["project"] == "test-project"
    assert imported["actor"] == "alice" and imported["data"]["name"] == "Test Project"
    assert imported["_links"] == {"project": f"{live_server.url}/api/v3/projects/test-project/"}


@pytest.fixture
def history(live_server, alice, project) -> dict:
    """A project with a secret variable, a webhook with a secret, a redirect and a build; its full history."""
    base = "/api/v3/projects/test-project"
    assert_json(live_server.post(f"{base}/environmentvariables/", alice, json={"name": "DEPLOY_TOKEN", "value": ENV_VALUE}), 201)
    hook = assert_json(live_server.post(f"{base}/notifications/webhooks/", alice,
                                        json={"url": "https://ci.example.com/h", "events": ["build:failed"], "secret": WEBHOOK_SECRET}), 201)
    assert live_server.patch(f"{base}/notifications/webhooks/{hook['id']}/", alice, json={"secret": WEBHOOK_SECRET + "-2"}).status_code == 204
    assert_json(live_server.post(f"{base}/redirects/", alice, json={"type": "prefix", "from_url": "/old/"}), 201)
    assert_json(live_server.post(f"{base}/builds/", alice, json={}), 201)
    # The log is projected in order: once the build is there, everything before it is.
    return audited(live_server, f"{EVENTS}?limit=100", alice, until=lambda body: body["results"][0]["type"] == "BuildTriggered")


def test_history_is_newest_first_and_paginated(live_server, alice, history):
    ids = [item["id"] for item in history["results"]]
    assert ids == sorted(ids, reverse=True) and history["count"] == len(ids) > 10
    first = assert_json(live_server.get(f"{EVENTS}?limit=4", alice), 200)
    second = assert_json(live_server.get(first["next"], alice), 200)
    assert [i["id"] for i in first["results"] + second["results"]] == ids[:8]
    assert second["previous"] and first["previous"] is None and second["count"] == history["count"]


def test_filters(live_server, alice, history):
    builds = assert_json(live_server.get(f"{EVENTS}?type=BuildTriggered,RedirectCreated", alice), 200)
    assert sorted(i["type"] for i in builds["results"]) == ["BuildTriggered", "RedirectCreated"]
    assert assert_json(live_server.get(f"{EVENTS}?actor=bob", alice), 200)["count"] == 0
    by_alice = [i for i in history["results"] if i["actor"] == "alice"]
    assert assert_json(live_server.get(f"{EVENTS}?actor=alice&limit=100", alice), 200)["results"] == by_alice
    assert {i["type"] for i in history["results"] if i["actor"] is None} == {"SlugClaimed"}  # the only event without one
    middle = history["results"][len(history["results"]) // 2]["created"]
    newer = assert_json(live_server.get(EVENTS, alice, params={"created__gte": middle, "limit": 100}), 200)["results"]
    older = assert_json(live_server.get(EVENTS, alice, params={"created__lte": middle, "limit": 100}), 200)["results"]
    assert all(i["created"] >= middle for i in newer) and all(i["created"] <= middle for i in older)
    assert len(newer) + len(older) >= history["count"] and newer and older
    one = history["results"][-1]["correlation_id"]
    assert {i["correlation_id"] for i in assert_json(live_server.get(f"{EVENTS}?correlation_id={one}", alice), 200)["results"]} == {one}
    assert_error(live_server.get(f"{EVENTS}?created__gte=yesterday", alice), 422, field="created__gte")
    assert_error(live_server.get(f"{EVENTS}?created__lte=2025-13-45", alice), 422, field="created__lte")


def test_no_secret_in_any_answer(live_server, alice, history):
    text = json.dumps(history)
    for secret in (ENV_VALUE, WEBHOOK_SECRET):
        assert secret not in text
    created = next(i for i in history["results"] if i["type"] == "EnvironmentVariableCreated")
    assert created["data"]["value_ciphertext"] == "[redacted]" and created["data"]["name"] == "DEPLOY_TOKEN"
    webhook = next(i for i in history["results"] if i["type"] == "WebhookCreated")
    assert webhook["data"]["secret_ciphertext"] == "[redacted]"
    # Nor the ciphertexts the event store holds (they decrypt with the key).
    for notification in live_server.docsplane.app.recorder.select_notifications(start=1, limit=10_000):
        event = live_server.docsplane.app.mapper.to_domain_event(notification)
        for field in ("value_ciphertext", "secret_ciphertext", "token_hash"):
            assert getattr(event, field, "\x00") not in text


def test_maintainers_only(live_server, alice, bob, history):
    assert_error(live_server.get(EVENTS, bob), 403)
    assert_error(live_server.get(EVENTS), 401)
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Secret", privacy_level="private")), 201)
    assert_error(live_server.get("/api/v3/projects/secret/events/", bob), 404)
    assert_error(live_server.get("/api/v3/projects/nothing-here/events/", alice), 404)


def test_a_reimported_slug_shows_only_the_new_projects_history(live_server, alice, history):
    assert live_server.request("DELETE", "/api/v3/projects/test-project/", alice).status_code == 204
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Test Project")), 201)
    fresh = audited(live_server, f"{EVENTS}?limit=100", alice, until=lambda body: "ProjectImported" in {i["type"] for i in body["results"]})
    assert "BuildTriggered" not in {i["type"] for i in fresh["results"]} and fresh["count"] < history["count"]


def test_the_audit_command(live_server, alice, history):
    """The real CLI in a subprocess, on the same stores: both formats, the filters, bad arguments."""
    settings = live_server.docsplane.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(settings.event_store, DOCSPLANE_DATA_DIR=str(settings.data_dir), DOCSPLANE_READ_DB_URL=settings.read_db_url,
               **{k: v for k, v in settings.as_environ().items() if k == "DOCSPLANE_SECRETS_KEY"})

    def audit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "docsplane.cli", "audit", *args], env=env, capture_output=True,
                              text=True, timeout=60)

    lines = audit("--project", "test-project", "--format", "jsonl", "--limit", "1000")
    assert lines.returncode == 0, lines.stderr
    items = [json.loads(line) for line in lines.stdout.splitlines()]
    rest = [{k: v for k, v in item.items() if k != "_links"} for item in history["results"]]
    assert items[-len(rest):] == rest[-len(items):] and items[-1]["type"] == "SlugClaimed"
    assert {i["project"] for i in items} == {"test-project"}

    table = audit("--project", "test-project", "--type", "BuildTriggered", "RedirectCreated", "--actor", "alice")
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["TIME", "(UTC)", "ACTOR", "TYPE", "PROJECT", "AGGREGATE", "REQUEST", "ID"]
    assert [row.split()[3] for row in rows] == ["BuildTriggered", "RedirectCreated"]
    assert all(row.split()[2] == "alice" and row.split()[4] == "test-project" for row in rows)

    everything = audit("--limit", "1000")
    assert everything.returncode == 0 and "UserCreated" in everything.stdout
    assert audit("--since", "2999-01-01").stdout.splitlines()[1:] == []
    assert len(audit("--until", history["results"][-1]["created"], "--format", "jsonl").stdout.splitlines()) >= 1
    for output in (lines.stdout, table.stdout, everything.stdout):
        assert ENV_VALUE not in output and WEBHOOK_SECRET not in output

    for bad in (["--since", "tomorrow"], ["--type", "ProjectImport"], ["--limit", "0"], ["--format", "xml"],
                ["--since", "2025-02-01", "--until", "2025-01-01"]):
        refused = audit(*bad)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert "error" in refused.stderr and "Traceback" not in refused.stderr


def test_another_project_the_caller_may_not_see_is_hidden_in_the_history(live_server, alice, bob):
    """bob maintains the public parent with alice, but not alice's private child: the parent's history
    names the child to alice and "[hidden]" to bob (id and slug alike)."""
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Parent")), 201)
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Secret Child", privacy_level="private")), 201)
    assert_json(live_server.post("/api/v3/projects/parent/maintainers/", alice, json={"username": "bob"}), 201)
    assert_json(live_server.post("/api/v3/projects/parent/subprojects/", alice, json={"child": "secret-child", "alias": "kid"}), 201)

    path = "/api/v3/projects/parent/events/?type=SubprojectAdded"
    as_alice = audited(live_server, path, alice)["results"][0]["data"]
    as_bob = audited(live_server, path, bob)["results"][0]["data"]

    assert as_alice["child_slug"] == "secret-child" and as_alice["alias"] == "kid"
    assert as_bob["child_slug"] == as_bob["child_id"] == "[hidden]" and as_bob["alias"] == "kid"
    assert "secret-child" not in live_server.get("/api/v3/projects/parent/events/", bob).text
