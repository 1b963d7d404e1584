"""Notifications: commands → event store → projector → read model, on each storage backend.
The webhook secret is encrypted in the event store, absent from every read-model table, and
readable by the write side only."""

import json
import threading

import pytest

from commands.handling.loading import load_project
from api.errors import code_of
from domain.errors import FieldError, NotAllowed, StaleWrite, UnknownResource
from integration_support import dump_tables, event_log, project_settings, rebuild_all, topic_name

URL = "https://hooks.example/rtd"
SECRET = "s3cr3t-that-must-never-be-read"


@pytest.fixture
def project(docsplane):
    """alice's public project `docs`, projected."""
    docsplane.projects.import_project("alice", project_settings("Docs"))
    docsplane.catch_up()
    return docsplane.read_model.project("docs", "alice")


def created_webhook(docsplane, url=URL, events=("build:failed",), secret=SECRET, actor="alice"):
    written = docsplane.notifications.create_webhook(actor, "docs", url, list(events), secret)
    docsplane.catch_up()
    return written


def text_of_everything(docsplane) -> str:
    """Every read-model row and every stored event, as text."""
    stored = [n.state.decode("utf-8", "replace") for n in event_log(docsplane)]
    return json.dumps(dump_tables(docsplane), default=str) + "".join(stored)


def assert_already_exists(field, create):
    with pytest.raises(FieldError) as raised:
        create()
    assert (raised.value.field, code_of(raised.value)) == (field, "already_exists")


# -- webhooks ------------------------------------------------------------------------------------

def test_create_webhook_projects_it_without_its_secret(docsplane, project):
    written = docsplane.notifications.create_webhook("alice", "docs", URL, ["build:failed", "build:triggered"], SECRET)
    number, secret = written.value
    assert secret == SECRET
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["NotificationTargetClaimed", "WebhookCreated"]
    created = written.recordings[1].domain_event
    assert created.actor == "alice"
    assert created.secret_ciphertext and SECRET not in created.secret_ciphertext
    assert docsplane.notification_queries.webhooks.get(project["aggregate_id"], number) is None  # not projected yet
    docsplane.catch_up()

    row = docsplane.notification_queries.webhooks.get(project["aggregate_id"], number)
    assert row["type"] == "webhook" and row["id"] == number
    assert (row["url"], row["events"], row["project_slug"]) == (URL, ["build:triggered", "build:failed"], "docs")
    assert row["aggregate_version"] == 1
    assert row["created"] == row["modified"]
    assert SECRET not in text_of_everything(docsplane)
    assert created.secret_ciphertext not in json.dumps(dump_tables(docsplane), default=str)
    assert docsplane.notifications.secret_for_webhook("docs", number) == SECRET


def test_a_missing_secret_is_generated(docsplane, project):
    number, secret = created_webhook(docsplane, secret=None).value
    assert len(secret) == 40 and int(secret, 16) >= 0
    assert docsplane.notifications.secret_for_webhook("docs", number) == secret
    assert created_webhook(docsplane, url=URL + "/2", secret=None).value.secret != secret
    assert secret not in text_of_everything(docsplane)


def test_update_webhook(docsplane, project):
    number = created_webhook(docsplane).value.id
    before = docsplane.notification_queries.webhooks.get(project["aggregate_id"], number)
    written = docsplane.notifications.update_webhook(
        "alice", "docs", number, {"url": "https://other.example/hook", "events": ["build:passed"], "secret": "new-secret"},
    )
    assert [topic_name(r.notification.topic) for r in written.recordings] == [
        "WebhookUpdated", "NotificationTargetClaimed", "NotificationTargetReleased",
    ]
    docsplane.catch_up()
    after = docsplane.notification_queries.webhooks.get(project["aggregate_id"], number)
    assert (after["url"], after["events"]) == ("https://other.example/hook", ["build:passed"])
    assert after["aggregate_version"] == 2 and after["modified"] > before["modified"]
    assert after["created"] == before["created"]
    assert docsplane.notifications.secret_for_webhook("docs", number) == "new-secret"
    assert "new-secret" not in text_of_everything(docsplane)

    # The old URL is free again, the new one is held.
    created_webhook(docsplane, url=URL)
    assert_already_exists("url", lambda: created_webhook(docsplane, url="https://OTHER.example/hook"))


def test_an_update_without_effective_change_writes_nothing(docsplane, project):
    number = created_webhook(docsplane).value.id
    assert docsplane.notifications.update_webhook("alice", "docs", number, {"url": URL, "events": ["build:failed"]}).recordings == []


def test_a_secret_change_alone_moves_the_version_only(docsplane, project):
    number = created_webhook(docsplane).value.id
    docsplane.notifications.update_webhook("alice", "docs", number, {"secret": "another"})
    docsplane.catch_up()
    row = docsplane.notification_queries.webhooks.get(project["aggregate_id"], number)
    assert (row["url"], row["events"], row["aggregate_version"]) == (URL, ["build:failed"], 2)
    assert docsplane.notifications.secret_for_webhook("docs", number) == "another"


def test_webhook_urls_are_unique_per_project(docsplane, project):
    first = created_webhook(docsplane).value.id
    before = len(event_log(docsplane))
    assert_already_exists("url", lambda: created_webhook(docsplane, url="HTTPS://Hooks.Example/rtd"))
    assert [topic_name(n.topic) for n in event_log(docsplane)[before:]] == []
    second = created_webhook(docsplane, url=URL + "/2").value.id
    assert_already_exists("url", lambda: docsplane.notifications.update_webhook("alice", "docs", second, {"url": URL}))

    # Another project may use the same URL.
    docsplane.projects.import_project("alice", project_settings("Other"))
    docsplane.notifications.create_webhook("alice", "other", URL, ["build:passed"])

    docsplane.notifications.delete_webhook("alice", "docs", first)
    docsplane.catch_up()
    assert docsplane.notification_queries.webhooks.get(project["aggregate_id"], first) is None
    third = created_webhook(docsplane).value.id  # a deleted webhook's URL may be used again
    assert third not in (first, second)
    with pytest.raises(UnknownResource):
        docsplane.notifications.delete_webhook("alice", "docs", first)


def test_concurrent_creates_of_one_url_make_one_webhook(docsplane, project):
    barrier, results = threading.Barrier(8), []

    def create():
        barrier.wait(timeout=30)
        try:
            results.append(docsplane.notifications.create_webhook("alice", "docs", URL, ["build:failed"]).value.id)
        except FieldError as error:
            results.append(code_of(error))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str).count("already_exists") == 7, results
    docsplane.catch_up()
    assert docsplane.notification_queries.webhooks.list(project["aggregate_id"], 10, 0).count == 1


def test_rejected_webhooks_write_nothing(docsplane, project):
    before = len(event_log(docsplane))
    for url, events, secret in [("ftp://x", ["build:failed"], None), (URL, [], None), (URL, ["push"], None), (URL, ["build:failed"], "")]:
        with pytest.raises(FieldError):
            docsplane.notifications.create_webhook("alice", "docs", url, events, secret)
    assert event_log(docsplane)[before:] == []


def test_webhook_preconditions(docsplane, project):
    number = created_webhook(docsplane).value.id
    with pytest.raises(StaleWrite):
        docsplane.notifications.update_webhook("alice", "docs", number, {"events": ["build:passed"]}, expected_version=2)
    docsplane.notifications.update_webhook("alice", "docs", number, {"events": ["build:passed"]}, expected_version=1)
    with pytest.raises(StaleWrite):
        docsplane.notifications.delete_webhook("alice", "docs", number, expected_version=1)
    docsplane.notifications.delete_webhook("alice", "docs", number, expected_version=2)


def test_webhooks_of_another_project_are_not_found(docsplane, project):
    number = created_webhook(docsplane).value.id
    docsplane.projects.import_project("alice", project_settings("Other"))
    docsplane.catch_up()
    other = docsplane.read_model.project("other", "alice")
    assert docsplane.notification_queries.webhooks.get(other["aggregate_id"], number) is None
    for command in (
        lambda: docsplane.notifications.update_webhook("alice", "other", number, {"events": ["build:passed"]}),
        lambda: docsplane.notifications.delete_webhook("alice", "other", number),
        lambda: docsplane.notifications.secret_for_webhook("other", number),
        lambda: docsplane.notifications.delete_webhook("alice", "docs", number + 1000),
    ):
        with pytest.raises(UnknownResource):
            command()


# -- email hooks ---------------------------------------------------------------------------------

def test_email_hooks(docsplane, project):
    written = docsplane.notifications.create_email_hook("alice", "docs", "Dev@Example.com")
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["NotificationTargetClaimed", "EmailHookCreated"]
    assert written.recordings[1].domain_event.actor == "alice"
    docsplane.catch_up()
    row = docsplane.notification_queries.email_hooks.get(project["aggregate_id"], written.value)
    assert (row["type"], row["email"], row["project_slug"], row["aggregate_version"]) == ("email", "Dev@Example.com", "docs", 1)

    assert_already_exists("email", lambda: docsplane.notifications.create_email_hook("alice", "docs", "dev@example.COM"))
    with pytest.raises(FieldError) as raised:
        docsplane.notifications.create_email_hook("alice", "docs", "not-an-address")
    assert (raised.value.field, code_of(raised.value)) == ("email", "invalid")

    with pytest.raises(StaleWrite):
        docsplane.notifications.delete_email_hook("alice", "docs", written.value, expected_version=2)
    docsplane.notifications.delete_email_hook("alice", "docs", written.value, expected_version=1)
    docsplane.catch_up()
    assert docsplane.notification_queries.email_hooks.get(project["aggregate_id"], written.value) is None
    docsplane.notifications.create_email_hook("alice", "docs", "dev@example.com")  # free again


def test_the_combined_list_holds_both_kinds_in_creation_order(docsplane, project):
    webhook = created_webhook(docsplane).value.id
    email = docsplane.notifications.create_email_hook("alice", "docs", "dev@example.com").value
    created_webhook(docsplane, url=URL + "/2")
    docsplane.catch_up()
    page = docsplane.notification_queries.list(project["aggregate_id"], 10, 0)
    assert page.count == 3
    assert [(h["type"], h["id"]) for h in page.results][:2] == [("webhook", webhook), ("email", email)]
    assert set(page.results[0]) == {"type", "id", "aggregate_version", "project_slug", "url", "events", "created", "modified"}
    assert set(page.results[1]) == {"type", "id", "aggregate_version", "project_slug", "email", "created"}
    assert page.results[0]["events"] == ["build:failed"]
    assert [h["id"] for h in docsplane.notification_queries.list(project["aggregate_id"], 2, 1).results] == [
        email, page.results[2]["id"],
    ]


# -- permissions, deletion, rebuild --------------------------------------------------------------

def test_only_maintainers_manage_notifications(docsplane, project):
    number = created_webhook(docsplane).value.id
    hook = docsplane.notifications.create_email_hook("alice", "docs", "dev@example.com").value
    docsplane.projects.import_project("alice", project_settings("Secret", privacy_level="private"))
    before = len(event_log(docsplane))
    for slug, error in (("docs", NotAllowed), ("secret", UnknownResource)):
        for command in (
            lambda: docsplane.notifications.create_webhook("bob", slug, URL + "/bob", ["build:failed"]),
            lambda: docsplane.notifications.update_webhook("bob", slug, number, {"events": ["build:passed"]}),
            lambda: docsplane.notifications.delete_webhook("bob", slug, number),
            lambda: docsplane.notifications.create_email_hook("bob", slug, "bob@example.com"),
            lambda: docsplane.notifications.delete_email_hook("bob", slug, hook),
        ):
            with pytest.raises(error):
                command()
    assert event_log(docsplane)[before:] == []


def test_deleting_the_project_drops_its_notifications(docsplane, project):
    created_webhook(docsplane)
    docsplane.notifications.create_email_hook("alice", "docs", "dev@example.com")
    docsplane.projects.import_project("alice", project_settings("Other"))
    docsplane.notifications.create_webhook("alice", "other", URL, ["build:passed"])
    doomed = load_project(docsplane.app, "docs")
    doomed.delete("alice")
    docsplane.app.save(doomed)
    docsplane.catch_up()
    tables = dump_tables(docsplane)
    assert [row["project_slug"] for row in tables["webhooks"]] == ["other"]
    assert tables["email_hooks"] == []


def test_rebuild_reproduces_the_read_model(docsplane, project):
    first = created_webhook(docsplane).value.id
    created_webhook(docsplane, url=URL + "/2", events=("build:passed", "build:triggered"))
    docsplane.notifications.update_webhook("alice", "docs", first, {"url": URL + "/moved", "secret": "x"})
    kept = docsplane.notifications.create_email_hook("alice", "docs", "a@example.com").value
    gone = docsplane.notifications.create_email_hook("alice", "docs", "b@example.com").value
    docsplane.notifications.delete_email_hook("alice", "docs", gone)
    docsplane.catch_up()
    before = dump_tables(docsplane)
    assert len(before["webhooks"]) == 2 and [r["id"] for r in before["email_hooks"]] == [kept]
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == before
