"""Helpers for the integration tests: sample data, the event log, and a
dump of every read-model table (to compare a projector's result with a from-scratch rebuild)."""

from __future__ import annotations

from datetime import datetime, timezone

from commands.handling.loading import load_project
from commands.webhook_deliveries import AttemptResult, DeliveryTarget
from domain.ids import build_id, webhook_id
from read_model_dump import PRIMARY_KEYS, dump_tables, read_model_tables, rebuild_all  # noqa: F401  (shared with e2e)


def positions(container) -> dict[str, int]:
    return {row["name"]: row["position"] for row in container.store.fetchall("SELECT name, position FROM projection_positions")}


def head(container) -> int:
    return container.app.recorder.max_notification_id() or 0


def project_settings(name: str, **overrides) -> dict:
    values = {
        "name": name,
        "repository": {"url": f"https://github.com/example/{name.lower().replace(' ', '-')}", "type": "git"},
        "language": "en",
        "programming_language": "py",
        "homepage": None,
        "default_branch": "main",
        "privacy_level": "public",
        "tags": [],
        "single_version": False,
    }
    values.update(overrides)
    return values


def record_delivery(container, project_slug: str, webhook: int, build: int, statuses) -> None:
    """What the webhook worker records when POSTing a build's trigger to a webhook answers these statuses."""
    project = load_project(container.app, project_slug)
    target = DeliveryTarget(build_id(build), 1, build, webhook_id(project.id, webhook), webhook, project.id, project_slug,
                            "build:triggered")
    for attempt, status in enumerate(statuses, 1):
        result = AttemptResult(datetime.now(timezone.utc), 0.01, status, None if status < 300 else f"HTTP {status}")
        container.webhook_deliveries.record_attempt("webhooks", target, attempt, result)


def event_log(container) -> list:
    return list(container.app.recorder.select_notifications(start=1, limit=100_000))


def topic_name(topic: str) -> str:
    """'domain.version:Version.VersionUpdated' -> 'VersionUpdated'."""
    return topic.rsplit(".", 1)[-1]


def populate(container, users=("alice",)) -> dict:
    """A little of everything: users and tokens, projects, updates, builds in every state,
    notification targets, redirects and environment variables."""
    tokens = {username: container.users.create_user(username).value for username in users}
    c = container
    c.projects.import_project("alice", project_settings("Alpha Docs", tags=["a"]))
    c.projects.import_project("alice", project_settings("Beta Docs", language="es", programming_language="js"))
    c.projects.import_project("alice", project_settings("Gamma Docs", privacy_level="private", default_branch=None))
    c.projects.update_project("alice", "alpha-docs", {"language": "de", "tags": ["a", "b"], "default_branch": "trunk"})
    c.versions.update_version("alice", "beta-docs", "latest", {"hidden": True, "privacy_level": "private"})
    b1 = c.builds.trigger_build("alice", "alpha-docs").value
    b2 = c.builds.trigger_build("alice", "alpha-docs").value
    b3 = c.builds.trigger_build("alice", "beta-docs", "latest").value
    c.builds.change_build_state("worker", b1, "cloning", commit="c0ffee")
    c.builds.configure_build("worker", b1, {"version": 2, "formats": ["pdf"]})
    c.builds.record_command("worker", b1, "git clone --depth 1", "Cloning into 'alpha'...", 0)
    c.builds.change_build_state("worker", b1, "building")
    c.builds.finish_build("worker", b1, True, builder="builder-1")
    c.builds.change_build_state("worker", b2, "installing", commit="bad1dea")
    c.builds.finish_build("worker", b2, False, error="sphinx exploded")
    c.builds.change_build_state("worker", b3, "cloning")
    webhook = c.notifications.create_webhook("alice", "alpha-docs", "https://hooks.example/alpha", ["build:failed"]).value.id
    c.notifications.update_webhook("alice", "alpha-docs", webhook, {"events": ["build:passed"], "secret": "rotated"})
    record_delivery(c, "alpha-docs", webhook, b1, statuses=(500, 200))
    c.notifications.create_email_hook("alice", "alpha-docs", "dev@example.com")
    c.redirects.create_redirect("alice", "alpha-docs", "page", "/a.html", "/b.html")
    redirect = c.redirects.create_redirect("alice", "gamma-docs", "prefix", "/old/").value
    c.redirects.change_redirect("alice", "gamma-docs", redirect, {"type": "exact", "to_url": "/new/"})
    variable = c.environment_variables.create_environment_variable("alice", "alpha-docs", "TOKEN", "s3cret").value
    c.environment_variables.create_environment_variable("alice", "gamma-docs", "KEY", "k", public=True)
    c.environment_variables.delete_environment_variable("alice", "alpha-docs", variable)
    c.users.issue_token("alice")
    return {"tokens": tokens, "builds": (b1, b2, b3)}
