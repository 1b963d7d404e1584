"""A durable queue bound (`#`) to an events exchange of a test's own, declared before anything is
published, as a subscriber that must not miss an event declares it; and the build queue's clean-up.

    events = DurableEvents(amqp_url)       # declares exchange and queue
    ... DOCSPLANE_EVENTS_EXCHANGE=events.exchange ...
    ids = events.drain()                   # the `id` of every message waiting, duplicates included
    events.delete()
"""

from __future__ import annotations

import json
import uuid

import pika

from workers.queues import build_queue, connection


class DurableEvents:
    def __init__(self, amqp_url: str):
        self.url = amqp_url
        self.exchange = f"test.events.{uuid.uuid4().hex}"
        self.queue = f"test.subscriber.{uuid.uuid4().hex}"
        with self._channel() as channel:
            channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
            channel.queue_declare(self.queue, durable=True)
            channel.queue_bind(self.queue, self.exchange, routing_key="#")

    def drain(self) -> list[int]:
        ids: list[int] = []
        with self._channel() as channel:
            waiting = channel.queue_declare(self.queue, passive=True).method.message_count
            channel.basic_qos(prefetch_count=500)
            for method, _, body in channel.consume(self.queue, inactivity_timeout=10):
                if method is None:
                    break
                ids.append(int(json.loads(body)["id"]))
                channel.basic_ack(method.delivery_tag)
                if len(ids) >= waiting:
                    break
            channel.cancel()
        return ids

    def delete(self) -> None:
        with self._channel() as channel:
            channel.queue_delete(self.queue)
            channel.exchange_delete(self.exchange)

    def _channel(self):
        return _Channel(self.url)


class _Channel:
    def __init__(self, url: str):
        self.connection = pika.BlockingConnection(pika.URLParameters(url))

    def __enter__(self):
        return self.connection.channel()

    def __exit__(self, *exc) -> None:
        self.connection.close()


def delete_build_queue(settings) -> None:
    """The build queue (and its exchange) that `settings.build_queue` names."""
    with connection(settings) as conn:
        bound = build_queue(settings.build_queue)(conn.default_channel)
        bound.delete()
        bound.exchange.delete()
