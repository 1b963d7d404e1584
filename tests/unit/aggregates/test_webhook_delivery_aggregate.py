"""Webhook delivery decisions: what each attempt's answer means, when the next one is due, when it ends."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.errors import FieldError, StateMovedOn
from domain.webhook_delivery import RetryPolicy, WebhookDelivery

POLICY = RetryPolicy(attempts=3, backoff=10.0, cap=15.0)
START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def delivery() -> WebhookDelivery:
    made = WebhookDelivery(
        build_aggregate_id=uuid4(), build_version=1, build_number=7, webhook_aggregate_id=uuid4(), webhook_number=3,
        project_id=uuid4(), project_slug="docs", event_name="build:triggered", actor="webhooks",
    )
    made.collect_events()
    return made


def attempt(d: WebhookDelivery, n: int, status: int | None = None, error: str | None = None, at=START) -> str:
    return d.record_attempt(attempt=n, status_code=status, error=error, started=at, duration=0.5, policy=POLICY, actor="webhooks")


def test_a_2xx_delivers_at_once():
    d = delivery()
    assert attempt(d, 1, status=204) == "delivered"
    assert (d.state, d.attempts, d.next_attempt_at) == ("delivered", 1, None)
    [recorded] = d.collect_events()
    assert isinstance(recorded, WebhookDelivery.WebhookDeliveryAttempted)
    assert (recorded.attempt, recorded.status_code, recorded.error, recorded.outcome) == (1, 204, None, "delivered")
    assert recorded.actor == "webhooks"


def test_failures_retry_with_exponential_backoff_capped_until_the_attempts_run_out():
    d = delivery()
    assert attempt(d, 1, status=500, error="HTTP 500") == "retrying"
    assert d.next_attempt_at == START + timedelta(seconds=0.5 + 10)  # after the attempt ended
    later = d.next_attempt_at
    assert attempt(d, 2, error="ConnectionRefusedError: refused", at=later) == "retrying"
    assert d.next_attempt_at == later + timedelta(seconds=0.5 + 15)  # 20 s, capped at 15
    assert attempt(d, 3, status=502, at=d.next_attempt_at) == "failed"
    assert (d.state, d.attempts, d.next_attempt_at) == ("failed", 3, None)
    assert [e.outcome for e in d.collect_events()] == ["retrying", "retrying", "failed"]


@pytest.mark.parametrize("status", [301, 404, 500])
def test_anything_but_2xx_is_a_failure(status):
    assert attempt(delivery(), 1, status=status) == "retrying"


def test_an_attempt_is_recorded_once_and_an_ended_delivery_takes_no_more():
    d = delivery()
    attempt(d, 1, status=500)
    with pytest.raises(StateMovedOn):
        attempt(d, 1, status=200)  # another worker's record of the same attempt
    with pytest.raises(StateMovedOn):
        attempt(d, 3, status=200)
    attempt(d, 2, status=200)
    with pytest.raises(StateMovedOn):
        attempt(d, 3, status=200)


def test_an_attempt_without_an_answer_says_why_and_long_errors_are_cut():
    with pytest.raises(FieldError):
        attempt(delivery(), 1)
    d = delivery()
    attempt(d, 1, error="x" * 2000)
    assert len(d.collect_events()[0].error) == 500


def test_times_carry_their_zone():
    with pytest.raises(FieldError):
        attempt(delivery(), 1, status=200, at=START.replace(tzinfo=None))


def test_the_delivery_id_is_the_same_for_the_same_event_and_webhook():
    build, webhook = uuid4(), uuid4()
    assert WebhookDelivery.create_id(build, 2, webhook) == WebhookDelivery.create_id(build, 2, webhook)
    assert WebhookDelivery.create_id(build, 2, webhook) != WebhookDelivery.create_id(build, 3, webhook)
