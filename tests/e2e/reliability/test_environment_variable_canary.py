"""Environment-variable values never leave the write side: one full run on PostgreSQL and RabbitMQ
(the API, projector, dispatcher, a build worker, the relay and the webhook worker, as `docsplane serve`
runs them beside the API), with canary values, and then a search for them everywhere.

alice creates a private and a public variable with unique canary values on a project whose builds echo
them, and triggers builds until they finish. Then: every URL the API links to is read (build commands
and their output, events, flyout, expand, filters); `docsplane audit` (both formats) and `docsplane
status --json` run. Each canary, and its base64, hex and JSON-escaped forms, is searched in every HTTP
answer's body and headers, every row of every read-model table, every message of a durable queue bound
to the events exchange, every log record of the process (DEBUG and up) and the CLI outputs. Expected:
zero hits (the build output shows `****` where the values were)."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import time
import uuid

import pika
from e2e_support import assert_json, project_body
from git_support import build_config, git_repository
from stored_everything import read_model_rows
from e2e_support import docsplane_command
from test_private_projects_hidden import crawl, with_queries


def forms(value: str) -> set[str]:
    """How a value may show up: as it is, base64, hex, JSON-escaped (inside a JSON string)."""
    raw = value.encode()
    return {value, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
            raw.hex(), json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1]}


def finished(live, token, slug, count) -> list[dict]:
    deadline = time.monotonic() + 60
    while True:
        builds = assert_json(live.get(f"/api/v3/projects/{slug}/builds/", token), 200)["results"]
        if len(builds) == count and all(b["state"]["code"] == "finished" for b in builds):
            return builds
        assert time.monotonic() < deadline, builds
        time.sleep(0.1)


def test_environment_variable_values_are_nowhere(start_live_server, amqp_url, tmp_path, caplog, reliability):
    caplog.set_level(logging.DEBUG)
    exchange = f"test.events.{uuid.uuid4().hex}"
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare(f"test.canary.{uuid.uuid4().hex}", durable=True).method.queue
    channel.queue_bind(queue, exchange, routing_key="#")
    live = start_live_server("postgres", background=True, DOCSPLANE_AMQP_URL=amqp_url, DOCSPLANE_EVENTS_EXCHANGE=exchange,
                             DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}")
    alice = live.token("alice")
    canaries = {"PRIVATE_CANARY": f'Priv"{uuid.uuid4().hex}\\x', "PUBLIC_CANARY": f"Pub-{uuid.uuid4().hex}"}
    repo = git_repository(tmp_path / "repo", build_config(
        'echo "private=$PRIVATE_CANARY public=$PUBLIC_CANARY"', 'printf %s "$PRIVATE_CANARY" >&2', "env"))
    slug = assert_json(live.post("/api/v3/projects/", alice, json=project_body(
        "Canary Docs", repository={"url": f"file://{repo}", "type": "git"})), 201)["slug"]
    for name, value in canaries.items():
        body = {"name": name, "value": value, "public": name.startswith("PUBLIC")}
        assert_json(live.post(f"/api/v3/projects/{slug}/environmentvariables/", alice, json=body), 201)
    assert_json(live.post(f"/api/v3/projects/{slug}/notifications/webhooks/", alice,
                          json={"url": "http://127.0.0.1:9/hook", "events": ["build:passed", "build:failed"]}), 201)
    for _ in range(2):
        assert_json(live.post(f"/api/v3/projects/{slug}/builds/", alice, json={}), 201)
    builds = finished(live, alice, slug, 2)
    assert all(b["success"] for b in builds), builds
    output = assert_json(live.get(f"/api/v3/projects/{slug}/builds/{builds[0]['id']}/commands/", alice), 200)
    assert "private=**** public=****" in json.dumps(output)  # the build did see them: masked
    time.sleep(1)  # the audit projector and the relay may lag a write by a poll

    answers = []
    urls = crawl(live, alice, {"Canary Docs": slug}) + with_queries(f"/api/v3/projects/{slug}/events/")
    for url in urls:
        response = live.get(url, alice)
        answers.append((f"GET {url}", response.text + json.dumps(dict(response.headers))))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(live.docsplane.settings.as_environ())
    cli = []
    for command in (["audit", "--limit", "10000"], ["audit", "--format", "jsonl", "--limit", "10000"], ["status", "--json"]):
        done = subprocess.run([*docsplane_command(), *command], env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout, (command, done.returncode, done.stderr)
        cli.append((f"docsplane {' '.join(command)}", done.stdout + done.stderr))
    messages = []
    while (got := channel.basic_get(queue, auto_ack=True))[0] is not None:
        messages.append((f"AMQP {got[0].routing_key}", got[2].decode("utf-8", errors="replace")))
    channel.queue_delete(queue)
    channel.exchange_delete(exchange)
    connection.close()
    assert any("EnvironmentVariableCreated" in text for _, text in messages), len(messages)
    rows = read_model_rows(live.docsplane)
    logs = [(f"log {r.name}", r.getMessage() + (r.exc_text or "")) for r in caplog.records]
    assert any("build" in text for _, text in logs)

    places = [*answers, *rows, *messages, *logs, *cli]
    hits = [f"{where}: {form!r}" for value in canaries.values() for form in forms(value)
            for where, text in places if form in text]
    assert not hits, "\n".join(hits)
    reliability.record("Environment variable canaries: HTTP, read models, AMQP, logs, audit and status output",
                       places_searched=len(places), http_answers=len(answers), amqp_messages=len(messages),
                       log_records=len(logs), hits=len(hits))
