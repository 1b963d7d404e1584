"""PostgreSQL and RabbitMQ going away and coming back, for the dependency-fault tests.

By default an outage touches only what the test owns, because the servers are shared with every
other test running on the machine: the database outage refuses and ends the connections of the
test's own database (`own_database`: what clients see when the server stops), the broker outage closes
a TCP proxy every docsplane process reaches RabbitMQ through (connections reset, then refused).
Under CI=true or with DOCSPLANE_REAL_OUTAGES=1 (a machine of its own) the servers themselves are stopped and
started: `pg_ctlcluster ... stop|start`, `rabbitmqctl stop_app|start_app` (as root).

    outage = database_outage(reachable)  /  broker_outage(amqp_url)
    outage.url (brokers: what the processes connect to)
    with outage.away(): ...              # down on entry; back up, accepting connections, on exit
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

import pika
import psycopg2
from amqp_support import BrokerProxy

# CI runs on a machine of its own: there the servers really stop (DOCSPLANE_REAL_OUTAGES=0 opts out).
REAL = os.environ.get("DOCSPLANE_REAL_OUTAGES", "1" if os.environ.get("CI") == "true" else "0") == "1"
UP_TIMEOUT = 60  # seconds a restarted server may take to accept connections


class Outage:
    url: str | None = None
    description = ""

    def down(self) -> None:
        raise NotImplementedError

    def up(self) -> None:
        raise NotImplementedError

    @contextlib.contextmanager
    def away(self):
        self.down()
        try:
            yield
        finally:
            self.up()


class OwnDatabaseOutage(Outage):
    description = "the test's database refusing and ending connections"

    def __init__(self, reachable):
        self.reachable = reachable

    def down(self) -> None:
        self.reachable(False)

    def up(self) -> None:
        self.reachable(True)


class PostgresServerStop(Outage):
    description = "PostgreSQL stopped (pg_ctlcluster stop) and started"

    def __init__(self):
        [self.version] = [p.name for p in Path("/etc/postgresql").iterdir()]

    def _ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action, *(
            ["-m", "fast"] if action == "stop" else [])], check=True, capture_output=True, timeout=UP_TIMEOUT)

    def down(self) -> None:
        self._ctl("stop")

    def up(self) -> None:
        self._ctl("start")
        _until(lambda: psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres",
                                        connect_timeout=2).close(), "PostgreSQL to accept connections")


class BrokerProxyOutage(Outage):
    description = "the broker's port closed and its connections reset (a proxy)"

    def __init__(self):
        self.proxy = BrokerProxy()
        self.proxy.up()
        self.url = self.proxy.url()

    def down(self) -> None:
        self.proxy.down()

    def up(self) -> None:
        self.proxy.up()


class RabbitAppStop(Outage):
    description = "RabbitMQ stopped (rabbitmqctl stop_app) and started"

    def __init__(self, amqp_url: str):
        self.url = amqp_url

    def down(self) -> None:
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=UP_TIMEOUT)

    def up(self) -> None:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=UP_TIMEOUT)
        _until(lambda: pika.BlockingConnection(pika.URLParameters(self.url)).close(), "RabbitMQ to accept AMQP")


def database_outage(reachable) -> Outage:
    return PostgresServerStop() if REAL else OwnDatabaseOutage(reachable)


def broker_outage(amqp_url: str) -> Outage:
    return RabbitAppStop(amqp_url) if REAL else BrokerProxyOutage()


def _until(attempt, what: str) -> None:
    deadline = time.monotonic() + UP_TIMEOUT
    while True:
        try:
            attempt()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}") from None
            time.sleep(0.2)
