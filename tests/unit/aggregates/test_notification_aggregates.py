"""Notification decisions: webhook URL, events and changes; email addresses; target claims."""

from uuid import uuid4

import pytest

from api.errors import code_of
from domain.errors import FieldError
from domain.notification import (
    WEBHOOK_EVENTS,
    EmailHook,
    NotificationTargetClaim,
    Webhook,
    email_key,
    require_email,
    require_secret,
    require_url,
    url_key,
)

PROJECT_ID = uuid4()


def webhook(**overrides) -> Webhook:
    values = {
        "number": 3, "project_id": PROJECT_ID, "project_slug": "docs", "url": "https://hooks.example/rtd",
        "events": ["build:failed"], "secret_ciphertext": "ciphertext-1", "actor": "alice",
    }
    values.update(overrides)
    hook = Webhook.create(**values)
    hook.collect_events()  # start each test from a saved aggregate
    return hook


def assert_invalid(raised, resource: str, field: str, code: str = "invalid"):
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == (resource, field, code)


# -- webhooks ------------------------------------------------------------------------------------

def test_create_records_the_webhook_with_its_actor():
    hook = Webhook.create(
        number=3, project_id=PROJECT_ID, project_slug="docs", url="https://hooks.example/rtd",
        events=["build:failed", "build:triggered"], secret_ciphertext="ciphertext-1", actor="alice",
    )
    [created] = hook.collect_events()
    assert type(created).__name__ == "WebhookCreated"
    assert created.actor == "alice" and created.timestamp.tzinfo is not None
    assert created.events == ["build:triggered", "build:failed"]  # the documented order
    assert created.secret_ciphertext == "ciphertext-1"
    assert hook.id == Webhook.create_id(PROJECT_ID, 3)
    assert not hook.deleted


@pytest.mark.parametrize("url", [
    "http://example.com", "https://hooks.example/path?x=1#f", "https://user:pw@example.com:8443/x",
    "https://[::1]:8080/hook", "http://127.0.0.1:5000/", "https://bücher.example/", "HTTPS://EXAMPLE.COM/",
])
def test_accepted_urls(url):
    require_url(url)


@pytest.mark.parametrize("url", [
    "", "example.com", "ftp://example.com/", "javascript:alert(1)", "mailto:a@example.com", "http://",
    "https:///path", "https://exa mple.com/", "https://example.com/\n", "https://example.com:99999/",
    "https://example.com:port/", "https://[zz]/", "https://ex$ample.com/", "https://" + "a" * 600 + ".com",
    None, 42, ["https://example.com"],
])
def test_rejected_urls(url):
    with pytest.raises(FieldError) as raised:
        require_url(url)
    assert_invalid(raised, "Webhook", "url")


@pytest.mark.parametrize("events", [[], None, "build:failed", ["build:failed", "build:finished"], ["push"], [None]])
def test_events_are_a_non_empty_list_of_documented_ones(events):
    with pytest.raises(FieldError) as raised:
        webhook(events=events)
    assert_invalid(raised, "Webhook", "events")


def test_events_are_deduplicated():
    assert webhook(events=["build:passed", "build:passed"]).events == ["build:passed"]
    assert webhook(events=list(reversed(WEBHOOK_EVENTS))).events == list(WEBHOOK_EVENTS)


@pytest.mark.parametrize("secret", ["", None, 7, "x" * 256])
def test_rejected_secrets_are_not_quoted(secret):
    with pytest.raises(FieldError) as raised:
        require_secret(secret)
    assert_invalid(raised, "Webhook", "secret")
    assert "x" * 20 not in str(raised.value)


def test_update_records_only_effective_changes():
    hook = webhook()
    assert hook.update("bob", {"url": hook.url, "events": ["build:failed"]}) == {}
    assert hook.collect_events() == []

    changes = hook.update("bob", {"url": "https://other.example/", "events": ["build:passed", "build:triggered"]})
    assert changes == {"url": "https://other.example/", "events": ["build:triggered", "build:passed"]}
    [updated] = hook.collect_events()
    assert type(updated).__name__ == "WebhookUpdated" and updated.actor == "bob"
    assert (hook.url, hook.events) == ("https://other.example/", ["build:triggered", "build:passed"])


def test_update_validates_before_recording():
    hook = webhook()
    for changes in ({"url": "ftp://x"}, {"events": []}, {"project_slug": "other"}):
        with pytest.raises(FieldError):
            hook.update("alice", {"events": ["build:passed"], **changes})
    assert hook.collect_events() == []
    assert hook.events == ["build:failed"]


def test_a_new_secret_is_always_recorded():
    hook = webhook()
    assert hook.update("alice", {"secret_ciphertext": "ciphertext-2"}) == {"secret_ciphertext": "ciphertext-2"}
    assert hook.secret_ciphertext == "ciphertext-2"


def test_delete():
    hook = webhook()
    hook.delete("alice")
    [deleted] = hook.collect_events()
    assert type(deleted).__name__ == "WebhookDeleted" and deleted.actor == "alice"
    assert hook.deleted


def test_url_key_ignores_case_of_scheme_and_host_only():
    assert url_key("HTTPS://Hooks.Example/Path") == url_key("https://hooks.example/Path")
    assert url_key("https://hooks.example/Path") != url_key("https://hooks.example/path")
    assert url_key("https://User@Hooks.Example:8443/") == "https://User@hooks.example:8443/"


# -- email hooks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["a@example.com", "first.last+tag@sub.example.org", "ÜSER@bücher.example"])
def test_accepted_emails(email):
    require_email(email)


@pytest.mark.parametrize("email", [
    "", "plain", "@example.com", "a@", "a@example", "a@@example.com", "a b@example.com", "a@example.com\n",
    "a@example.", "a" * 250 + "@example.com", None, 3,
])
def test_rejected_emails(email):
    with pytest.raises(FieldError) as raised:
        require_email(email)
    assert_invalid(raised, "EmailHook", "email")


def test_email_hook_create_and_delete():
    hook = EmailHook.create(number=5, project_id=PROJECT_ID, project_slug="docs", email="dev@example.com", actor="alice")
    hook.delete("bob")
    created, deleted = hook.collect_events()
    assert (type(created).__name__, created.email, created.actor) == ("EmailHookCreated", "dev@example.com", "alice")
    assert (type(deleted).__name__, deleted.actor) == ("EmailHookDeleted", "bob")
    with pytest.raises(FieldError):
        EmailHook.create(number=6, project_id=PROJECT_ID, project_slug="docs", email="nope", actor="alice")


def test_email_key_ignores_case():
    assert email_key("Dev@Example.COM") == email_key("dev@example.com")


# -- claims --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "resource", "field"), [("webhook", "Webhook", "url"), ("emailhook", "EmailHook", "email")])
def test_a_held_target_cannot_be_claimed_until_released(kind, resource, field):
    claim = NotificationTargetClaim(project_id=PROJECT_ID, kind=kind, key="k", owner=1, actor="alice")
    assert claim.id == NotificationTargetClaim.create_id(PROJECT_ID, kind, "k")
    with pytest.raises(FieldError) as raised:
        claim.claim(2, "bob")
    assert_invalid(raised, resource, field, "already_exists")

    claim.release("alice")
    claim.claim(2, "bob")
    assert claim.owner == 2
    assert [type(e).__name__ for e in claim.collect_events()] == [
        "NotificationTargetClaimed", "NotificationTargetReleased", "NotificationTargetReclaimed",
    ]


def test_claims_are_per_project_kind_and_key():
    ids = {
        NotificationTargetClaim.create_id(project, kind, key)
        for project in (PROJECT_ID, uuid4()) for kind in ("webhook", "emailhook") for key in ("a", "b")
    }
    assert len(ids) == 8
