"""An example subscriber (`docsplane subscribe`): an exclusive, auto-deleted queue bound to the
events exchange with a binding key, each message printed as one JSON line. Messages published
while no subscriber is bound are not kept for it: a durable subscriber declares its own named queue."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pika

from workers.relay import BrokerRefused, open_channel


class SubscriptionFailed(Exception):
    """The broker could not be reached or refused the subscription; the message says why."""


def subscribe(url: str, exchange: str, binding_key: str, on_ready: Callable[[], None] = lambda: None) -> None:
    """Print events until interrupted (KeyboardInterrupt ends it quietly)."""
    try:
        channel = open_channel(url, exchange)
    except BrokerRefused as error:
        raise SubscriptionFailed(str(error)) from error
    except pika.exceptions.AMQPError as error:  # unreachable: pika's message names neither host nor cause well
        raise SubscriptionFailed(f"RabbitMQ is not reachable at the host and port of DOCSPLANE_AMQP_URL ({type(error).__name__})") from error
    queue = channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
    channel.queue_bind(queue, exchange, routing_key=binding_key)

    def show(ch, method, properties, body: bytes) -> None:
        sys.stdout.write(body.decode() + "\n")
        sys.stdout.flush()

    channel.basic_consume(queue, show, auto_ack=True)
    on_ready()
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        pass
    except pika.exceptions.AMQPError as error:  # the broker went away, or closed the connection
        raise SubscriptionFailed(f"the connection to RabbitMQ ended: {type(error).__name__} {error}".strip()) from error
    finally:
        if channel.connection.is_open:
            channel.connection.close()
