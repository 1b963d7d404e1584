"""The SSRF guard of webhook deliveries (workers/webhooks/payload.py): by default a webhook may reach
only public addresses, however its host is spelled, so a project cannot make the service POST into
its own network; DOCSPLANE_WEBHOOK_ALLOW_PRIVATE=true lifts it (the other webhook tests do)."""

from __future__ import annotations

import pytest
from webhook_receiver import Receiver

from docsplane.settings import Settings
from workers.webhooks.payload import post

HEADERS = {"Content-Type": "application/json"}


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def test_the_guard_is_on_unless_the_setting_lifts_it():
    assert Settings.from_env({}).webhook_allow_private is False
    assert Settings.from_env({"DOCSPLANE_WEBHOOK_ALLOW_PRIVATE": "true"}).webhook_allow_private is True


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1", "0x7f000001", "[::1]", "[::ffff:127.0.0.1]"])
def test_a_loopback_receiver_however_spelled_is_refused_and_gets_nothing(receiver, host):
    port = receiver.server.server_address[1]
    result = post(f"http://{host}:{port}/hook", b"{}", HEADERS, timeout=2)
    assert result.status_code is None and "which is not a public address" in result.error, result
    assert "DOCSPLANE_WEBHOOK_ALLOW_PRIVATE" in result.error
    assert receiver.received == []


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/hook", "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://172.16.0.1/hook", "http://0.0.0.0:9/hook", "http://[fd00::1]/hook",
])
def test_private_and_link_local_addresses_are_refused_before_any_connection(url):
    result = post(url, b"{}", HEADERS, timeout=2)
    assert result.status_code is None and "which is not a public address" in result.error, result
    assert result.duration < 1  # refused at once, not after a connection attempt


def test_with_the_setting_a_loopback_receiver_is_reached(receiver):
    result = post(receiver.url, b"{}", HEADERS, timeout=2, allow_private=True)
    assert result.status_code == 200 and result.error is None
    assert len(receiver.received) == 1
