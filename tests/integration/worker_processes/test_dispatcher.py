"""The build dispatcher: triggered (and retried) builds become jobs on the build queue, imports and
sync requests version sync jobs on the sync queue, on kombu's in-memory transport (embedded) and on
the real RabbitMQ."""

from __future__ import annotations

import dataclasses

import pytest
from amqp_support import delete_job_queues, unique_name
from integration_support import populate

from commands.build_leases import BuildLeaseCommands
from commands.handling.loading import load_project
from workers.dispatcher import Dispatcher
from workers.queues import build_queue, connection, sync_queue


@pytest.fixture(params=["memory", "amqp"])
def settings(request, docsplane):
    """The container's settings with a queue of this test's own, on one transport or the other."""
    broker = request.getfixturevalue("amqp_url") if request.param == "amqp" else None
    settings = dataclasses.replace(docsplane.settings, amqp_url=broker, build_queue=unique_name("builds"))
    yield settings
    with connection(settings) as conn:
        delete_job_queues(conn, settings.build_queue)


def take_jobs(settings, count: int, timeout: float = 5.0, queue=None) -> list[dict]:
    """Consume exactly `count` jobs (of the build queue, unless another is named), and check that no more are waiting."""
    jobs = []
    with connection(settings) as conn:
        queue = queue or build_queue(settings.build_queue)
        with conn.Consumer(queue, callbacks=[lambda body, message: (jobs.append(body), message.ack())], prefetch_count=1):
            while len(jobs) < count:
                conn.drain_events(timeout=timeout)
        assert queue.bind(conn).queue_declare(passive=True).message_count == 0
    return jobs


def test_each_triggered_build_becomes_one_job(docsplane, settings):
    b1, b2, b3 = populate(docsplane)["builds"]
    dispatcher = Dispatcher(docsplane.app, docsplane.store, settings)

    dispatcher.follower.catch_up()

    assert take_jobs(settings, 3) == [
        {"build": b1, "project": "alpha-docs", "version": "latest"},
        {"build": b2, "project": "alpha-docs", "version": "latest"},
        {"build": b3, "project": "beta-docs", "version": "latest"},
    ]
    b4 = docsplane.builds.trigger_build("alice", "beta-docs", "latest").value
    dispatcher.follower.catch_up()
    assert take_jobs(settings, 1) == [{"build": b4, "project": "beta-docs", "version": "latest"}]  # no repeats
    dispatcher.close()


def test_imports_and_sync_requests_become_sync_jobs(docsplane, settings):
    populate(docsplane)
    docsplane.versions.request_version_sync("alice", "beta-docs")
    dispatcher = Dispatcher(docsplane.app, docsplane.store, settings)

    dispatcher.follower.catch_up()

    alpha, beta, gamma = (str(load_project(docsplane.app, slug).id) for slug in ("alpha-docs", "beta-docs", "gamma-docs"))
    jobs = take_jobs(settings, 4, queue=sync_queue(settings.build_queue))
    assert [job["sync"] for job in jobs] == [alpha, beta, gamma, beta]
    assert all(job["correlation_id"] for job in jobs)  # the importing or requesting request's
    assert len(take_jobs(settings, 3)) == 3  # the builds, on their own queue
    dispatcher.close()


def test_a_retried_build_becomes_a_job_again(docsplane, settings):
    populate(docsplane)
    number = docsplane.builds.trigger_build("alice", "beta-docs", "latest").value
    leases = BuildLeaseCommands(docsplane.app, lease_seconds=0)  # expired as soon as taken
    leases.lease_build("worker-1", number)
    assert leases.expire_lease("reaper", number).value == "retried"
    dispatcher = Dispatcher(docsplane.app, docsplane.store, settings)

    dispatcher.follower.catch_up()

    jobs = take_jobs(settings, 5)
    assert jobs[-2:] == [{"build": number, "project": "beta-docs", "version": "latest"}] * 2
    dispatcher.close()


def test_with_the_broker_unreachable_no_job_is_lost(docsplane, amqp_url):
    settings = dataclasses.replace(docsplane.settings, amqp_url="amqp://guest:guest@127.0.0.1:1//",
                                   build_queue=unique_name("builds"))
    number = populate(docsplane)["builds"][0]
    away = Dispatcher(docsplane.app, docsplane.store, settings)
    with pytest.raises(Exception):
        away.run_batch()
    assert away.follower.position == 0

    settings = dataclasses.replace(settings, amqp_url=amqp_url)
    Dispatcher(docsplane.app, docsplane.store, settings).follower.catch_up()

    assert take_jobs(settings, 3)[0] == {"build": number, "project": "alpha-docs", "version": "latest"}
    with connection(settings) as conn:
        delete_job_queues(conn, settings.build_queue)
