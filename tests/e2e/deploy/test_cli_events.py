"""Events over AMQP from the real command line: `docsplane subscribe` prints what the relay
publishes, and `docsplane serve` with DOCSPLANE_AMQP_URL relays its own writes."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pika
import requests

from docsplane.bootstrap import build
from docsplane.settings import Settings
from e2e_support import SEED_PROJECT
from workers.relay import Relay

DOCSPLANE = [sys.executable, "-m", "docsplane.cli"]


def environment(tmp_path, amqp_url: str) -> dict:
    """Only our data directory and broker: no settings leak in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(DOCSPLANE_DATA_DIR=str(tmp_path / "data"), DOCSPLANE_AMQP_URL=amqp_url,
               DOCSPLANE_EVENTS_EXCHANGE=f"test.events.{uuid.uuid4().hex}", DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}")
    return env


def lines_of(stream) -> queue.Queue:
    """The stream's lines as they come, readable with a timeout."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def delete_exchange(amqp_url: str, exchange: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().exchange_delete(exchange)
    connection.close()


def test_subscribe_prints_the_events_of_its_binding_key_as_json_lines(tmp_path, amqp_url):
    env = environment(tmp_path, amqp_url)
    subscriber = subprocess.Popen([*DOCSPLANE, "subscribe", "project.pip.#"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    try:
        assert "subscribed to" in lines_of(subscriber.stderr).get(timeout=30)
        docsplane = build(Settings.from_env(env))
        docsplane.users.create_user("alice")
        for name in ("Pip", "Other"):
            docsplane.projects.import_project("alice", {**SEED_PROJECT, "name": name, "default_branch": "main",
                                                        "privacy_level": "public", "tags": []})
        docsplane.projects.update_project("alice", "pip", {"homepage": "https://pip.example/"})
        Relay(docsplane.app, docsplane.store, amqp_url, env["DOCSPLANE_EVENTS_EXCHANGE"]).follower.catch_up()
        docsplane.close()

        stdout = lines_of(subscriber.stdout)
        printed = [json.loads(stdout.get(timeout=10))]
        while printed[-1]["type"] != "ProjectUpdated":
            printed.append(json.loads(stdout.get(timeout=10)))
        assert {(event["aggregate"], event["project"]) for event in printed} == {("project", "pip")}
        assert printed[0]["type"] == "ProjectImported" and printed[0]["payload"]["name"] == "Pip"
        assert printed[-1]["payload"]["changes"] == {"homepage": "https://pip.example/"}
        assert printed[-1]["actor"] == "alice" and printed[-1]["aggregate_version"] > 1

        subscriber.send_signal(signal.SIGINT)  # Ctrl-C
        assert subscriber.wait(timeout=10) == 0
        assert "Traceback" not in subscriber.stderr.read()
    finally:
        if subscriber.poll() is None:
            subscriber.kill()
        delete_exchange(amqp_url, env["DOCSPLANE_EVENTS_EXCHANGE"])


def test_subscribe_without_a_broker_explains_what_is_missing(tmp_path):
    env = {**os.environ, "DOCSPLANE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DOCSPLANE_AMQP_URL", None)
    done = subprocess.run([*DOCSPLANE, "subscribe"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "needs DOCSPLANE_AMQP_URL" in done.stderr


def test_serve_with_a_broker_relays_every_write(tmp_path, amqp_url):
    env = environment(tmp_path, amqp_url)
    exchange = env["DOCSPLANE_EVENTS_EXCHANGE"]
    channel = pika.BlockingConnection(pika.URLParameters(amqp_url)).channel()
    channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    inbox = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(inbox, exchange, routing_key="*.*.UserCreated")
    channel.queue_bind(inbox, exchange, routing_key="project.#")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*DOCSPLANE, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        created = subprocess.run([*DOCSPLANE, "users", "create", "alice"], env=env, capture_output=True, text=True, timeout=60)
        token = created.stdout.split()[-1]
        url = f"http://127.0.0.1:{port}/api/v3/projects/"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.post(url, json=SEED_PROJECT, headers={"Authorization": f"Token {token}"}, timeout=10)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "docsplane serve did not answer"
                time.sleep(0.1)
        assert response.status_code == 201, response.text

        keys = []
        while "project.test-project.ProjectImported" not in keys:
            assert time.monotonic() < deadline, f"received only {keys}"
            method, _, body = channel.basic_get(inbox, auto_ack=True)
            if method is None:
                channel.connection.sleep(0.05)
            else:
                keys.append(method.routing_key)
        assert keys == ["user.-.UserCreated", "project.test-project.ProjectImported"]
    finally:
        server.terminate()
        server.wait(timeout=10)
        channel.connection.close()
        delete_exchange(amqp_url, exchange)
