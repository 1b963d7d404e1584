"""Webhook delivery (`docsplane webhooks`, or a thread of `docsplane serve`).

Follows the event log for BuildTriggered and BuildFinished; each event
goes to every webhook of the build's project that wants it (build:triggered; build:passed or
build:failed by the build's success) as a signed POST. Every attempt
is recorded as an event (WebhookDeliveryAttempted); a failed one is retried later with exponential
backoff (the RetryPolicy) by the retry step, which polls the `webhook_deliveries` read
model for the pending deliveries that are due: retries are never slept inline.

At-least-once: the log position advances past a batch only after each of its attempts was
recorded. Re-reading an event after a restart skips the webhooks whose delivery is already recorded
(the delivery id derives from event and webhook) and POSTs the others; pending retries live in the
event store and its read model, so a restart re-derives them. A crash between a POST and its
record repeats that POST, with the same X-Docsplane-Delivery id for the receiver to de-duplicate.

Matching reads the webhooks read model, so this waits until the `notifications` projection has
reached the event being delivered: a webhook created before a build event always gets it. The
projector must therefore run (in `docsplane serve`, or `docsplane projector`)."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from uuid import UUID

from commands.handling.request_context import on_behalf_of
from commands.webhook_deliveries import DeliveryTarget
from domain.build import Build
from domain.errors import StateMovedOn, UnknownResource
from projections.following import tracking
from projections.notifications.projection import NotificationsProjection
from workers.webhooks import payload as webhook_requests
from workers.following.log_follower import LogFollower, Logged
from workers.following.loop import SupervisedLoop

log = logging.getLogger("docsplane.webhooks")
ACTOR = "webhooks"  # the actor of the delivery events
PARALLEL = 8  # attempts in flight at once: one slow receiver holds up the others for one timeout at most


class ReadModelBehind(Exception):
    """The webhooks read model has not reached the events to deliver (is the projector running?)."""


def event_name(event) -> str | None:
    """The webhook event a build event is, if any."""
    if isinstance(event, Build.BuildTriggered):
        return "build:triggered"
    if isinstance(event, Build.BuildFinished):
        return "build:passed" if event.success else "build:failed"
    return None


class WebhookDeliverer:
    def __init__(self, docsplane, name: str = "webhooks", batch_size: int = 100):
        self.app = docsplane.app
        self.store = docsplane.store
        self.settings = docsplane.settings
        self.notifications = docsplane.notifications
        self.deliveries = docsplane.webhook_deliveries
        self.queries = docsplane.webhook_delivery_queries
        self.batch_size = batch_size
        self.follower = LogFollower(name, self.app, self.store, self.deliver_events,
                                    topics=[Build.BuildTriggered, Build.BuildFinished], batch_size=batch_size)

    # -- new events: first attempts ---------------------------------------------------------------
    def deliver_events(self, batch: list[Logged]) -> None:
        self._wait_for_webhooks(batch[-1].id)
        jobs = []
        for logged in batch:
            for target, url in self._targets(logged.event):
                if self.deliveries.delivery(target.delivery_id) is None:  # else recorded before a restart
                    jobs.append((target, 1, url))
        self._attempt_all(jobs)

    def _targets(self, event):
        name = event_name(event)
        if name is None:
            return
        build = self.app.repository.get(event.originator_id, version=event.originator_version)
        for webhook in self.queries.subscribed(str(build.project_id), name):
            yield DeliveryTarget(
                build_aggregate_id=build.id, build_version=build.version, build_number=build.number,
                webhook_aggregate_id=UUID(webhook["aggregate_id"]), webhook_number=webhook["id"],
                project_id=build.project_id, project_slug=build.project_slug, event_name=name,
            ), webhook["url"]

    def _wait_for_webhooks(self, notification_id: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while tracking.positions(self.store).get(NotificationsProjection.name, 0) < notification_id:
            if time.monotonic() > deadline:
                raise ReadModelBehind(f"the webhooks read model has not reached event {notification_id}; is the projector running?")
            time.sleep(self.settings.poll_interval)

    # -- retries ----------------------------------------------------------------------------------
    def run_batch(self) -> bool:
        """Attempt the deliveries whose next attempt is due; False when none is (the loop then waits)."""
        jobs = []
        for row in self.queries.due(datetime.now(timezone.utc), self.batch_size):
            delivery = self.deliveries.delivery(UUID(row["id"]))
            # The read model may not show the latest attempt yet: the event store decides.
            if delivery is not None and delivery.state == "pending" and delivery.attempts == row["attempts"]:
                jobs.append((DeliveryTarget.of(delivery), delivery.attempts + 1, row["url"]))
        self._attempt_all(jobs)
        return bool(jobs)

    # -- one attempt ------------------------------------------------------------------------------
    def _attempt_all(self, jobs) -> None:
        """Run the attempts side by side; any failure to record one fails the batch (to be re-run)."""
        if not jobs:
            return
        with ThreadPoolExecutor(min(PARALLEL, len(jobs)), thread_name_prefix="webhook") as pool:
            for future in [pool.submit(self._attempt, *job) for job in jobs]:
                future.result()

    def _attempt(self, target: DeliveryTarget, attempt: int, url: str) -> str | None:
        """POST and record the outcome; None when the webhook is gone or another worker recorded it.
        Recorded with a request id per attempt and the correlation id of the build's trigger."""
        with on_behalf_of(self.app, target.build_aggregate_id):
            return self._post_and_record(target, attempt, url)

    def _post_and_record(self, target: DeliveryTarget, attempt: int, url: str) -> str | None:
        try:
            secret = self.notifications.secret_for_webhook(target.project_slug, target.webhook_number)
        except UnknownResource:
            return None  # deleted since: its deliveries end here
        build = self.app.repository.get(target.build_aggregate_id, version=target.build_version)
        body = webhook_requests.payload(build, target.event_name, self.settings.public_url)
        request_headers = webhook_requests.headers(secret, body, target.event_name, str(target.delivery_id))
        result = webhook_requests.post(url, body, request_headers, self.settings.webhook_timeout,
                                       allow_private=self.settings.webhook_allow_private)
        try:
            outcome = self.deliveries.record_attempt(ACTOR, target, attempt, result).value
        except StateMovedOn:
            return None
        log.info("webhook %d, %s of build %d: attempt %d %s (%s)", target.webhook_number, target.event_name,
                 target.build_number, attempt, outcome, result.status_code or result.error)
        return outcome


def webhooks_loop(docsplane, name: str = "webhooks") -> SupervisedLoop:
    """New events first, then due retries, in one supervised loop."""
    deliverer = WebhookDeliverer(docsplane, name)
    return SupervisedLoop(name, [deliverer.follower, deliverer], docsplane.settings.poll_interval)
