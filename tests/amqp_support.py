"""Helpers for tests against the real RabbitMQ: a consumer of the events exchange, and a TCP proxy
that plays an unreachable (then reachable again) broker."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid

import pika


def unique_name(kind: str) -> str:
    return f"test.{kind}.{uuid.uuid4().hex}"


def delete_job_queues(conn, build_queue_name: str) -> None:
    """Remove a test's build queue and its sync queue, with their exchanges (a kombu connection)."""
    from workers.queues import build_queue, sync_queue

    for queue in (build_queue(build_queue_name), sync_queue(build_queue_name)):
        queue.bind(conn).delete()
        queue.exchange.bind(conn).delete()


class EventConsumer:
    """An exclusive queue bound to `exchange` (declared as the relay declares it)."""

    def __init__(self, url: str, exchange: str, binding_key: str = "#"):
        self.connection = pika.BlockingConnection(pika.URLParameters(url))
        self.channel = self.connection.channel()
        self.exchange = exchange
        self.channel.exchange_declare(exchange, exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, exchange, routing_key=binding_key)
        self.received: list[tuple[str, dict, pika.BasicProperties]] = []  # (routing key, body, properties)
        self.channel.basic_consume(self.queue, self._receive, auto_ack=True)

    def _receive(self, channel, method, properties, body: bytes) -> None:
        self.received.append((method.routing_key, json.loads(body), properties))

    def until(self, done, timeout: float = 10.0) -> list[tuple[str, dict, pika.BasicProperties]]:
        """Receive until `done(received)` is true; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not done(self.received):
            assert time.monotonic() < deadline, f"timed out after {len(self.received)} messages"
            self.connection.process_data_events(time_limit=0.01)
        return self.received

    def ids(self) -> list[int]:
        return [body["id"] for _, body, _ in self.received]

    def close(self) -> None:
        self.channel.exchange_delete(self.exchange)
        self.connection.close()


class BrokerProxy:
    """Forwards 127.0.0.1:<port> to RabbitMQ while up; `down()` closes the port and every
    connection through it, as a broker that went away does."""

    def __init__(self, target=("127.0.0.1", 5672)):
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
            listener, self._listener = self._listener, None
        for sock in [listener, *sockets]:
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for sock in (client, upstream):  # no Nagle delay: a publisher confirm is a round trip per message
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:  # one side closed: close the other too, as a TCP proxy does
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
