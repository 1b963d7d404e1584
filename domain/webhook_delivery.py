"""A webhook delivery: one build event POSTed to one webhook, attempt after attempt, until the
receiver answers 2xx or the attempts run out. Each attempt is an event; the delivery decides
whether another one follows and when (exponential backoff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import AlreadyDone, InvalidValue, RequiredValueMissing
from domain.ids import webhook_delivery_id

OUTCOMES = ("delivered", "retrying", "failed")
ERROR_MAX = 500  # characters of an attempt's error kept


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` attempts; the n-th retry waits `backoff` × 2^(n-1) seconds, at most `cap`."""

    attempts: int = 5
    backoff: float = 10.0
    cap: float = 3600.0

    def delay(self, attempt: int) -> timedelta:
        """How long after attempt number `attempt` ends the next one starts."""
        return timedelta(seconds=min(self.cap, self.backoff * 2 ** (attempt - 1)))


def succeeded(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


class WebhookDelivery(Aggregate):
    """Of one build event (the build's aggregate id and the version that event gave it) to one webhook."""

    @staticmethod
    def create_id(build_aggregate_id: UUID, build_version: int, webhook_aggregate_id: UUID) -> UUID:
        return webhook_delivery_id(build_aggregate_id, build_version, webhook_aggregate_id)

    @event("WebhookDeliveryStarted")
    def __init__(self, *, build_aggregate_id: UUID, build_version: int, build_number: int, webhook_aggregate_id: UUID,
                 webhook_number: int, project_id: UUID, project_slug: str, event_name: str, actor: str):
        self.build_aggregate_id = build_aggregate_id
        self.build_version = build_version
        self.build_number = build_number
        self.webhook_aggregate_id = webhook_aggregate_id
        self.webhook_number = webhook_number
        self.project_id = project_id
        self.project_slug = project_slug
        self.event_name = event_name
        self.attempts = 0
        self.state = "pending"  # pending → delivered | failed
        self.next_attempt_at: datetime | None = None

    def record_attempt(self, *, attempt: int, status_code: int | None, error: str | None, started: datetime,
                       duration: float, policy: RetryPolicy, actor: str) -> str:
        """Record what one POST got (a status code, or an error when no answer came) and decide
        what follows: "delivered" (2xx), "retrying" at `next_attempt_at`, or "failed" for good."""
        if self.state != "pending":
            raise AlreadyDone(f"delivery {self.id} has already {self.state}")
        if attempt != self.attempts + 1:
            raise AlreadyDone(f"attempt {attempt} of delivery {self.id} was already recorded")
        if started.tzinfo is None:
            raise InvalidValue("WebhookDelivery", "started", "a time with its time zone")
        if status_code is None and not error:
            raise RequiredValueMissing("WebhookDelivery", "error", "an attempt without an answer has an error")
        if succeeded(status_code):
            outcome, next_attempt_at = "delivered", None
        elif attempt >= policy.attempts:
            outcome, next_attempt_at = "failed", None
        else:
            outcome = "retrying"
            next_attempt_at = started + timedelta(seconds=max(0.0, duration)) + policy.delay(attempt)
        self._attempted(attempt=attempt, status_code=status_code, error=(error or None) and error[:ERROR_MAX],
                        started=started, duration=max(0.0, duration), outcome=outcome,
                        next_attempt_at=next_attempt_at, actor=actor)
        return outcome

    @event("WebhookDeliveryAttempted")
    def _attempted(self, attempt: int, status_code: int | None, error: str | None, started: datetime,
                   duration: float, outcome: str, next_attempt_at: datetime | None, actor: str) -> None:
        self.attempts = attempt
        self.state = "pending" if outcome == "retrying" else outcome
        self.next_attempt_at = next_attempt_at
