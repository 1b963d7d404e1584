"""DOCSPLANE_AMQP_URL means one vhost for kombu (build jobs) and pika (relay, subscriber), whichever
documented form it takes; a form they would read differently is refused at start; a broker that
refuses the relay or a subscriber is reported with the fix, never as `ok`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pika
import pytest
from amqp_support import BrokerProxy, EventConsumer, unique_name
from kombu import Connection

from docsplane.amqp_url import AmqpUrlError, amqp_url
from docsplane.health import system_status
from docsplane.settings import ConfigurationError, Settings
from workers.following import loop_status
from workers.following.background import relay_loop
from workers.queues import build_queue, connection, publish_job
from workers.relay import Relay

BROKER = "amqp://guest:guest@127.0.0.1:5672"
DOCSPLANE = [sys.executable, "-m", "docsplane.cli"]


@pytest.mark.parametrize("path, vhost", [("", "/"), ("/", "/"), ("//", "/"), ("/%2F", "/"), ("/docs", "docs"),
                                         ("/%2Fdocs", "/docs"), ("/a%20b?heartbeat=30", "a b")])
def test_kombu_and_pika_read_every_documented_form_as_the_same_vhost(path, vhost):
    url = amqp_url(BROKER + path)
    assert Connection(url).virtual_host == pika.URLParameters(url).virtual_host == vhost
    assert amqp_url(url) == url  # settled once: reading it again changes nothing


@pytest.mark.parametrize("url", [f"{BROKER}/a/b", "http://127.0.0.1:5672/", "amqp:///%2F"])
def test_a_form_the_clients_would_read_differently_is_refused_at_start(url):
    with pytest.raises(AmqpUrlError):
        amqp_url(url)
    with pytest.raises(ConfigurationError, match="DOCSPLANE_AMQP_URL"):
        Settings.from_env({"DOCSPLANE_AMQP_URL": url})


@pytest.fixture(scope="session")
def named_vhost(amqp_url):
    """A vhost of its own (rabbitmqctl, as root beside the broker), deleted afterwards."""
    name = f"docsplane-test-{uuid.uuid4().hex[:8]}"
    ctl = shutil.which("rabbitmqctl")
    made = ctl and subprocess.run([ctl, "add_vhost", name], capture_output=True, timeout=60).returncode == 0
    if not made:
        pytest.skip("rabbitmqctl cannot add a vhost here (the other forms are tested)")
    subprocess.run([ctl, "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True, capture_output=True, timeout=60)
    yield name
    subprocess.run([ctl, "delete_vhost", name], capture_output=True, timeout=60)


@pytest.fixture(params=["//", "/%2F", "", "named"])
def broker_url(request, amqp_url):
    if request.param == "named":
        return f"{BROKER}/{request.getfixturevalue('named_vhost')}"
    return BROKER + request.param


def test_the_relay_the_build_queue_and_the_subscriber_share_the_vhost(broker_url, make_settings, tmp_path):
    exchange, jobs = unique_name("events"), unique_name("builds")
    settings = make_settings("sqlite", DOCSPLANE_AMQP_URL=broker_url, DOCSPLANE_EVENTS_EXCHANGE=exchange,
                             DOCSPLANE_BUILD_QUEUE=jobs)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "PERSISTENCE_"))}
    env.update(settings.as_environ(), DOCSPLANE_AMQP_URL=broker_url)  # as typed, not as settled
    subscriber = subprocess.Popen([*DOCSPLANE, "subscribe", "user.#"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    consumer = EventConsumer(settings.amqp_url, exchange, "user.#")  # pika, on the settled URL
    from docsplane.bootstrap import build

    docsplane = build(settings)
    try:
        assert "subscribed to" in subscriber.stderr.readline()
        docsplane.users.create_user("alice")
        Relay(docsplane.app, docsplane.store, broker_url, exchange).follower.catch_up()
        assert consumer.until(lambda got: got)[0][1]["type"] == "UserCreated"
        assert json.loads(subscriber.stdout.readline())["type"] == "UserCreated"

        with connection(settings) as conn:  # kombu puts a job where pika finds it
            publish_job(conn, {"build": 1}, build_queue(jobs))
        method, _, body = consumer.channel.basic_get(jobs, auto_ack=True)
        assert method is not None and json.loads(body) == {"build": 1}
    finally:
        subscriber.send_signal(signal.SIGINT)
        subscriber.wait(timeout=10)
        consumer.channel.queue_delete(jobs)
        consumer.channel.exchange_delete(jobs)
        consumer.close()
        docsplane.close()


def test_a_relay_refused_by_the_broker_makes_the_status_say_so_and_how_to_fix_it(amqp_url, make_settings):
    missing = f"{BROKER}/no-such-vhost-{uuid.uuid4().hex[:6]}"
    from docsplane.bootstrap import build

    docsplane = build(make_settings("sqlite", DOCSPLANE_AMQP_URL=missing))
    try:
        docsplane.users.create_user("alice")
        loop = relay_loop(docsplane)
        thread = loop.start_thread()
        deadline = time.monotonic() + 20
        while not any(row["last_error"] for row in loop_status.rows(docsplane.store)):
            assert time.monotonic() < deadline, "the relay recorded no error"
            time.sleep(0.05)

        report = system_status(docsplane)
        assert report["status"] != "ok"
        assert "rabbitmqctl add_vhost" in report["message"]  # the probe and the relay's own error both say it
        assert ["BrokerRefused" in (row["last_error"] or "") for row in report["loops"]] == [True]
        loop.request_stop()
        thread.join(timeout=10)
    finally:
        docsplane.close()


def test_a_subscriber_refused_by_the_broker_says_why_in_one_line(amqp_url, tmp_path):
    env = {**os.environ, "DOCSPLANE_DATA_DIR": str(tmp_path), "DOCSPLANE_AMQP_URL": f"{BROKER}/no-such-vhost"}
    done = subprocess.run([*DOCSPLANE, "subscribe"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot subscribe:") and "rabbitmqctl add_vhost" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_a_subscriber_whose_broker_goes_away_says_so_in_one_line(amqp_url, tmp_path):
    proxy = BrokerProxy()
    proxy.up()
    env = {**os.environ, "DOCSPLANE_DATA_DIR": str(tmp_path), "DOCSPLANE_AMQP_URL": proxy.url(),
           "DOCSPLANE_EVENTS_EXCHANGE": unique_name("events")}
    subscriber = subprocess.Popen([*DOCSPLANE, "subscribe"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "subscribed to" in subscriber.stderr.readline()
        proxy.down()
        assert subscriber.wait(timeout=30) == 2
        error = subscriber.stderr.read()
        assert error.startswith("error: cannot subscribe: the connection to RabbitMQ ended") and "Traceback" not in error
    finally:
        proxy.down()
        if subscriber.poll() is None:
            subscriber.kill()
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        connection.channel().exchange_delete(env["DOCSPLANE_EVENTS_EXCHANGE"])
        connection.close()
