"""The build-job queue, declared once for the dispatcher (producer) and the build worker (consumer).

kombu talks to RabbitMQ when DOCSPLANE_AMQP_URL is set and to its in-memory transport otherwise.
The memory transport lives inside one process, so in the embedded mode the dispatcher and the
worker must share a process (`docsplane serve` runs both as threads).

A job is JSON: {"build": <build number>, "project": <project slug>, "version": <version slug>}.
Version sync jobs, {"sync": <project id>, "correlation_id": ...}, have a queue of their own beside
it (`sync_queue`), so a build queue holds builds only.
Jobs are delivered at least once (the dispatcher re-publishes a batch whose position it could not
save), so a consumer skips a job whose build is no longer `triggered`."""

from __future__ import annotations

from kombu import Connection, Exchange, Queue

from docsplane.amqp_url import amqp_url

BUILD_QUEUE = "docsplane.builds"


def build_queue(name: str = BUILD_QUEUE) -> Queue:
    """A durable queue bound to a direct exchange of the same name (routing key = the name)."""
    return Queue(name, Exchange(name, type="direct", durable=True), routing_key=name, durable=True)


def sync_queue(build_queue_name: str = BUILD_QUEUE) -> Queue:
    """The version sync jobs of the workers that take builds from `build_queue_name`."""
    return build_queue(f"{build_queue_name}.syncs")


def connection(settings) -> Connection:
    """RabbitMQ with publisher confirms (publish returns once the broker has the job), or memory://.
    Connecting fails at once when the broker is away (no retries inside kombu): the caller's
    supervised loop retries with back-off and logs."""
    if settings.amqp_url:
        options = {"confirm_publish": True, "max_retries": 0}
        return Connection(amqp_url(settings.amqp_url), transport_options=options, connect_timeout=5)
    return Connection("memory://")


def publish_job(conn: Connection, job: dict, queue: Queue | None = None) -> None:
    queue = queue or build_queue()
    with conn.Producer(serializer="json") as producer:
        producer.publish(
            job, exchange=queue.exchange, routing_key=queue.routing_key, declare=[queue], delivery_mode=2,
        )
