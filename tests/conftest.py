"""Shared fixtures: real storage for every layer (SQLite files, or a throw-away PostgreSQL database).

- `postgres_url`  (session) a fresh database on 127.0.0.1:5432, dropped at the end of the session.
- `make_settings` (function) `make_settings("sqlite" | "postgres", **extra_env) -> Settings`;
                  every call gets its own, fully isolated event store and read-model tables.
- `backend`       parametrized over "sqlite" and "postgres" (the latter marked `postgres`).
- `docsplane`     the wired container for `backend`, closed after the test.
- `amqp_url`      (session) RabbitMQ on 127.0.0.1:5672 (guest/guest); use unique exchange/queue names.
- `reliability`   records figures for the docs' reliability page (docs/reliability.md, tests/reliability_figures.py).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlparse

import pytest
from missing_part import missing
from cryptography.fernet import Fernet

from docsplane.bootstrap import build
from docsplane.settings import Settings
import reliability_figures

reliability = reliability_figures.reliability  # the fixture
pytest_terminal_summary = reliability_figures.pytest_terminal_summary  # the hook

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"


def _admin_connect(dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=3)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def postgres_url():
    try:
        admin = _admin_connect()
    except Exception as error:  # psycopg2.OperationalError, or psycopg2 itself missing
        admin, message = None, f"PostgreSQL not reachable on {PG_HOST}:{PG_PORT}: {error}".strip()
    if admin is None:
        missing(message)
    dbname = f"docsplane_test_{uuid.uuid4().hex}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{dbname}"')
    finally:
        admin.close()
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"
    finally:
        admin = _admin_connect()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        finally:
            admin.close()


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


@pytest.fixture(scope="session")
def amqp_url():
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(AMQP_URL)).close()
    except Exception as error:  # pika.exceptions.AMQPConnectionError and friends
        message = f"RabbitMQ not reachable on 127.0.0.1:5672: {type(error).__name__} {error}".strip()
        missing(message)
    return AMQP_URL


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url():
    """The Redis server for shared rate limits (keys of each test are its own: a fresh token's)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # redis.exceptions.ConnectionError and friends
        message = f"Redis not reachable on 127.0.0.1:6379: {type(error).__name__} {error}".strip()
        missing(message)
    return REDIS_URL


@pytest.fixture
def make_settings(request, tmp_path):
    counter = iter(range(1_000_000))

    def make(backend: str, **overrides) -> Settings:
        n = next(counter)
        if backend == "sqlite":
            env = {"DOCSPLANE_DATA_DIR": str(tmp_path / f"data-{n}")}
        elif backend == "postgres":
            url = request.getfixturevalue("postgres_url")
            parsed = urlparse(url)
            dbname = parsed.path.lstrip("/")
            schema = f"t_{uuid.uuid4().hex}"
            conn = _admin_connect(dbname)
            try:
                with conn.cursor() as cursor:
                    cursor.execute(f'CREATE SCHEMA "{schema}"')
            finally:
                conn.close()
            env = {
                "DOCSPLANE_DATA_DIR": str(tmp_path / f"data-{n}"),
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": dbname,
                "POSTGRES_HOST": parsed.hostname,
                "POSTGRES_PORT": str(parsed.port or 5432),
                "POSTGRES_USER": parsed.username,
                "POSTGRES_PASSWORD": "",  # trust auth; the library insists the variable exists
                "POSTGRES_SCHEMA": schema,
                # The read-model tables go into the same fresh schema (libpq `options` parameter).
                "DOCSPLANE_READ_DB_URL": f"{url}?options=-csearch_path%3D{schema}",
                "DOCSPLANE_SECRETS_KEY": Fernet.generate_key().decode(),  # with PostgreSQL it must be given
            }
        else:
            raise ValueError(f"unknown backend {backend!r} (use 'sqlite' or 'postgres')")
        # The tests' webhook receivers listen on loopback, which production refuses (SSRF guard);
        # tests/integration/worker_processes/test_webhook_ssrf.py turns the guard back on.
        env["DOCSPLANE_WEBHOOK_ALLOW_PRIVATE"] = "true"
        # The tests build from local git repositories, which production PostgreSQL deployments refuse;
        # tests/e2e/resources/test_repository_urls.py turns the refusal back on.
        env["DOCSPLANE_ALLOW_LOCAL_REPOSITORIES"] = "true"
        env.update({key: str(value) for key, value in overrides.items()})
        return Settings.from_env(env)

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param


@pytest.fixture
def docsplane(backend, make_settings):
    container = build(make_settings(backend))
    try:
        yield container
    finally:
        container.close()
