"""The AMQP relay: every domain event, in log order, to a durable topic exchange on RabbitMQ (pika).

Messages are persistent and published with publisher confirms; the follower's position advances
only after the broker confirmed the whole batch, so delivery to the
exchange is at-least-once and in log order (hence in order per aggregate). A batch that fails
midway is published again from its start: subscribers de-duplicate on the body's `id`.
Routing keys and bodies: the event_messages module. IdempotentRequest events (the API's record of a
request's Idempotency-Key and answer) are not relayed: bookkeeping, not domain news. While the
broker is away the API keeps writing to the event store; the supervising loop retries with back-off
and the relay catches up."""

from __future__ import annotations

import logging

import pika

from docsplane.amqp_url import amqp_url, explain
from domain.idempotent_request import IdempotentRequest
from workers.event_messages import EventMessages, routing_key, to_json
from workers.following.log_follower import LogFollower, Logged

log = logging.getLogger("docsplane.relay")
# A broker outage would make pika log every failed connection attempt at ERROR level; the
# supervising loop already logs each failed batch once, with its back-off.
logging.getLogger("pika").setLevel(logging.CRITICAL)


class BrokerRefused(Exception):
    """The broker cannot be used as configured (no such vhost, wrong password...); the message names the fix."""


def open_channel(url: str, exchange: str):
    """A channel on a fresh connection, with the events exchange declared (durable topic).
    The broker's refusals come as BrokerRefused, saying what to fix."""
    parameters = pika.URLParameters(amqp_url(url))  # the vhost read as kombu reads it
    parameters.connection_attempts = 1
    parameters.socket_timeout = 5
    parameters.blocked_connection_timeout = 30  # a broker short of memory or disk blocks publishers
    try:
        connection = pika.BlockingConnection(parameters)
        channel = connection.channel()
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)
    except (pika.exceptions.ConnectionClosedByBroker, pika.exceptions.ChannelClosedByBroker,
            pika.exceptions.ProbableAccessDeniedError, pika.exceptions.ProbableAuthenticationError) as error:
        raise BrokerRefused(explain(error, url)) from error
    return channel


class Relay:
    def __init__(self, app, store, url: str, exchange: str, batch_size: int = 100, name: str = "relay"):
        self.url = url
        self.exchange = exchange
        self.messages = EventMessages(app)
        self.follower = LogFollower(name, app, store, self.publish, batch_size=batch_size)
        self._channel = None

    def run_batch(self) -> bool:
        self._keep_alive()
        return self.follower.run_batch()

    def publish(self, batch: list[Logged]) -> None:
        """Returns once the broker confirmed every message (BlockingChannel confirms each publish)."""
        try:
            channel = self._open()
            for logged in batch:
                if isinstance(logged.event, IdempotentRequest.Event):
                    continue
                message = self.messages.message(logged.id, logged.event)
                channel.basic_publish(self.exchange, routing_key(message), to_json(message), _properties(message))
        except Exception:
            self.close()  # a broken connection is never reused: the next attempt opens a new one
            raise

    def close(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None and channel.connection.is_open:
            try:
                channel.connection.close()
            except Exception:  # already broken: nothing left to release
                pass

    def _open(self):
        if self._channel is None or not self._channel.is_open:
            self.close()
            self._channel = open_channel(self.url, self.exchange)
            self._channel.confirm_delivery()
            log.info("relay connected; publishing to exchange %r", self.exchange)
        return self._channel

    def _keep_alive(self) -> None:
        """Answer heartbeats between batches, so an idle connection is not dropped by the broker."""
        if self._channel is None:
            return
        try:
            self._channel.connection.process_data_events(time_limit=0)
        except Exception:
            self.close()


def _properties(message: dict) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type="application/json", delivery_mode=pika.DeliveryMode.Persistent,
        message_id=str(message["id"]), type=message["type"],
    )
