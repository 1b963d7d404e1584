"""Commands of the webhook worker: record each delivery attempt (the first one starts the delivery),
and look a delivery up, so a worker re-reading an event after a restart does not POST twice what
it already recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none
from commands.handling.result import Written
from domain.errors import UnknownResource
from domain.webhook_delivery import RetryPolicy, WebhookDelivery


@dataclass(frozen=True)
class DeliveryTarget:
    """What a delivery is of: one build event (the build as that event left it), for one webhook."""

    build_aggregate_id: UUID
    build_version: int
    build_number: int
    webhook_aggregate_id: UUID
    webhook_number: int
    project_id: UUID
    project_slug: str
    event_name: str  # build:triggered | build:passed | build:failed

    @property
    def delivery_id(self) -> UUID:
        return WebhookDelivery.create_id(self.build_aggregate_id, self.build_version, self.webhook_aggregate_id)

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryTarget:
        return cls(delivery.build_aggregate_id, delivery.build_version, delivery.build_number,
                   delivery.webhook_aggregate_id, delivery.webhook_number, delivery.project_id,
                   delivery.project_slug, delivery.event_name)


@dataclass(frozen=True)
class AttemptResult:
    """What one POST got: a status code, or an error when no answer came."""

    started: datetime
    duration: float  # seconds
    status_code: int | None = None
    error: str | None = None


class WebhookDeliveryCommands:
    def __init__(self, app, policy: RetryPolicy):
        self.app = app
        self.policy = policy

    def delivery(self, delivery_id: UUID) -> WebhookDelivery | None:
        return get_or_none(self.app, delivery_id)

    @retry_on_conflict
    def record_attempt(self, actor: str, target: DeliveryTarget, attempt: int, result: AttemptResult) -> Written:
        """Record attempt number `attempt`; the value is its outcome (delivered, retrying, failed).
        AlreadyDone when that attempt is already recorded (another worker got there first)."""
        delivery = self.delivery(target.delivery_id)
        if delivery is None:
            if attempt != 1:
                raise UnknownResource(f"webhook delivery {target.delivery_id}")
            delivery = WebhookDelivery(**vars(target), actor=actor)
        outcome = delivery.record_attempt(
            attempt=attempt, status_code=result.status_code, error=result.error, started=result.started,
            duration=result.duration, policy=self.policy, actor=actor,
        )
        return Written(outcome, self.app.save(delivery))
