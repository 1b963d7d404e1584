"""Notifications over real HTTP: webhooks and email hooks of a project, for its maintainers only.
A webhook's secret is answered exactly once: in the response that created it."""

from __future__ import annotations

import pytest
from e2e_support import assert_error, assert_json, nothing_changes, project_body

BASE = "/api/v3/projects/docs/notifications"
WEBHOOKS = f"{BASE}/webhooks/"
EMAILS = f"{BASE}/emails/"
HOOK = {"url": "https://hooks.example/rtd", "events": ["build:failed", "build:triggered"]}
WEBHOOK_FIELDS = {"id", "type", "project", "created", "modified", "url", "events", "_links"}
EMAIL_FIELDS = {"id", "type", "project", "created", "email", "_links"}


@pytest.fixture
def alice(live_server):
    token = live_server.token("alice")
    assert_json(live_server.post("/api/v3/projects/", token, json=project_body("Docs")), 201)
    return token


def create_webhook(live, token, **overrides) -> dict:
    response = live.post(WEBHOOKS, token, json={**HOOK, **overrides})
    created = assert_json(response, 201)
    assert response.headers["Location"] == created["_links"]["_self"]
    return created


def test_webhook_lifecycle(live_server, alice):
    live = live_server
    created = create_webhook(live, alice)
    self_url = f"{live.url}{WEBHOOKS}{created['id']}/"
    assert set(created) == WEBHOOK_FIELDS | {"secret"}
    assert isinstance(created["id"], int)
    assert (created["type"], created["project"], created["url"]) == ("webhook", "docs", HOOK["url"])
    assert created["events"] == ["build:triggered", "build:failed"]  # the documented order
    assert created["_links"] == {"_self": self_url, "project": f"{live.url}/api/v3/projects/docs/"}
    assert created["created"].endswith("Z") and created["created"] == created["modified"]

    detail = assert_json(live.get(self_url, alice), 200)
    assert detail == {k: v for k, v in created.items() if k != "secret"}
    assert assert_json(live.get(WEBHOOKS, alice), 200) == {"count": 1, "next": None, "previous": None, "results": [detail]}
    assert assert_json(live.get(f"{BASE}/", alice), 200)["results"] == [detail]

    response = live.patch(self_url, alice, json={"events": ["build:passed"]})
    assert response.status_code == 204, response.text
    patched = assert_json(live.get(self_url, alice), 200)
    assert (patched["url"], patched["events"]) == (HOOK["url"], ["build:passed"])
    assert patched["modified"] >= patched["created"] == created["created"]

    response = live.request("PUT", self_url, alice, json={"url": "http://other.example:8080/x", "events": ["build:triggered"]})
    replaced = assert_json(response, 200)
    assert (replaced["url"], replaced["events"]) == ("http://other.example:8080/x", ["build:triggered"])
    assert assert_json(live.get(self_url, alice), 200) == replaced
    # PUT replaces url and events: both are required.
    assert_error(live.request("PUT", self_url, alice, json={"events": ["build:passed"]}), 422,
                 resource="Webhook", field="url", code="missing_field")

    assert live.request("DELETE", self_url, alice).status_code == 204
    assert_error(live.get(self_url, alice), 404)
    assert_error(live.request("DELETE", self_url, alice), 404)
    assert assert_json(live.get(WEBHOOKS, alice), 200)["count"] == 0
    create_webhook(live, alice)  # its URL is free again


def test_the_secret_is_answered_exactly_once(live_server, alice):
    live = live_server
    generated = create_webhook(live, alice)
    given = create_webhook(live, alice, url="https://hooks.example/2", secret="my-own-secret-value")
    assert len(generated["secret"]) == 40
    assert given["secret"] == "my-own-secret-value"

    def every_read():
        texts = []
        for hook in (generated, given):
            path = hook["_links"]["_self"]
            assert live.patch(path, alice, json={"events": ["build:passed"]}).status_code == 204
            texts.append(assert_json(live.request("PUT", path, alice, json={"url": hook["url"], "events": ["build:failed"]}), 200)["url"])
            texts.append(live.get(path, alice).text)
        for path in (WEBHOOKS, f"{BASE}/", "/api/v3/projects/docs/"):
            response = live.get(path, alice)
            assert_json(response, 200)
            texts.append(response.text)
        texts.append(live.get("/api/v3/openapi.json").text)
        return "".join(texts)

    seen = every_read()
    assert generated["secret"] not in seen and "my-own-secret-value" not in seen
    assert live.docsplane.notifications.secret_for_webhook("docs", generated["id"]) == generated["secret"]

    # A new secret is accepted (PATCH or PUT), and never answered either.
    response = live.patch(given["_links"]["_self"], alice, json={"secret": "rotated-secret-value"})
    assert response.status_code == 204 and not response.text
    assert "rotated-secret-value" not in every_read()
    assert live.docsplane.notifications.secret_for_webhook("docs", given["id"]) == "rotated-secret-value"


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"url": "ftp://hooks.example/"}, "url", "invalid"),
    ({"url": "not a url"}, "url", "invalid"),
    ({"url": "https://"}, "url", "invalid"),
    ({"url": 42}, "url", "invalid"),
    ({"events": []}, "events", "invalid"),
    ({"events": ["build:failed", "push"]}, "events", "invalid"),
    ({"events": "build:failed"}, "events", "invalid"),
    ({"secret": ""}, "secret", "invalid"),
    ({"secret": 7}, "secret", "invalid"),
    ({"url": None}, "url", "invalid"),
])
def test_invalid_webhooks_are_422_and_change_nothing(live_server, alice, body, field, code):
    existing = create_webhook(live_server, alice)
    with nothing_changes(live_server, alice, "docs"):
        response = live_server.post(WEBHOOKS, alice, json={**HOOK, "url": "https://hooks.example/new", **body})
        assert_error(response, 422, resource="Webhook", field=field, code=code)
        if field != "secret" or body["secret"] != "":
            response = live_server.patch(existing["_links"]["_self"], alice, json=body)
            assert_error(response, 422, resource="Webhook", field=field, code=code)
    assert assert_json(live_server.get(existing["_links"]["_self"], alice), 200)["url"] == HOOK["url"]


def test_webhook_missing_fields_and_duplicates(live_server, alice):
    live = live_server
    first = create_webhook(live, alice)
    second = create_webhook(live, alice, url="https://hooks.example/2")
    with nothing_changes(live, alice, "docs"):
        body = assert_error(live.post(WEBHOOKS, alice, json={}), 422)
        assert {(e["resource"], e["field"], e["code"]) for e in body["errors"]} == {
            ("Webhook", "url", "missing_field"), ("Webhook", "events", "missing_field")}
        for url in (HOOK["url"], "HTTPS://HOOKS.example/rtd"):
            assert_error(live.post(WEBHOOKS, alice, json={**HOOK, "url": url}), 422,
                         resource="Webhook", field="url", code="already_exists")
        assert_error(live.patch(second["_links"]["_self"], alice, json={"url": HOOK["url"]}), 422,
                     resource="Webhook", field="url", code="already_exists")
    assert assert_json(live.get(WEBHOOKS, alice), 200)["count"] == 2
    assert live.patch(first["_links"]["_self"], alice, json={"url": "https://hooks.example/rtd?moved"}).status_code == 204
    create_webhook(live, alice)  # the URL it moved away from is free


def test_email_hooks(live_server, alice):
    live = live_server
    response = live.post(EMAILS, alice, json={"email": "dev@example.com"})
    created = assert_json(response, 201)
    self_url = f"{live.url}{EMAILS}{created['id']}/"
    assert response.headers["Location"] == self_url
    assert set(created) == EMAIL_FIELDS
    assert (created["type"], created["project"], created["email"]) == ("email", "docs", "dev@example.com")
    assert created["_links"] == {"_self": self_url, "project": f"{live.url}/api/v3/projects/docs/"}
    assert assert_json(live.get(self_url, alice), 200) == created
    assert assert_json(live.get(EMAILS, alice), 200)["results"] == [created]

    with nothing_changes(live, alice, "docs"):
        for email in ("dev@example.com", "DEV@Example.com"):
            assert_error(live.post(EMAILS, alice, json={"email": email}), 422,
                         resource="EmailHook", field="email", code="already_exists")
        for email in ("dev", "dev@", "@example.com", "dev @example.com", "dev@example", 5, None):
            assert_error(live.post(EMAILS, alice, json={"email": email}), 422, resource="EmailHook", field="email", code="invalid")
        assert_error(live.post(EMAILS, alice, json={}), 422, resource="EmailHook", field="email", code="missing_field")
        assert_error(live.patch(self_url, alice, json={"email": "x@example.com"}), 405)

    assert live.request("DELETE", self_url, alice).status_code == 204
    assert_error(live.get(self_url, alice), 404)
    assert assert_json(live.post(EMAILS, alice, json={"email": "dev@example.com"}), 201)["id"] != created["id"]


def test_the_notifications_list_holds_both_kinds(live_server, alice):
    live = live_server
    webhook = create_webhook(live, alice)
    email = assert_json(live.post(EMAILS, alice, json={"email": "dev@example.com"}), 201)
    other = create_webhook(live, alice, url="https://hooks.example/2")
    del webhook["secret"], other["secret"]
    listing = assert_json(live.get(f"{BASE}/", alice), 200)
    assert listing["count"] == 3
    assert listing["results"] == [webhook, email, other]
    first = assert_json(live.get(f"{BASE}/?limit=2", alice), 200)
    assert first["results"] == [webhook, email]
    assert assert_json(live.get(first["next"], alice), 200)["results"] == [other]


def test_notifications_are_for_maintainers_only(live_server, alice):
    live = live_server
    bob = live.token("bob")
    webhook = create_webhook(live, alice)["_links"]["_self"]
    email = assert_json(live.post(EMAILS, alice, json={"email": "dev@example.com"}), 201)["_links"]["_self"]
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Hidden", privacy_level="private")), 201)

    def calls(base):
        return [
            ("GET", f"{base}/", None), ("GET", f"{base}/webhooks/", None), ("POST", f"{base}/webhooks/", HOOK),
            ("GET", f"{base}/emails/", None), ("POST", f"{base}/emails/", {"email": "bob@example.com"}),
        ]

    with nothing_changes(live, alice, "docs"):
        for method, path, body in calls(BASE) + [
            ("GET", webhook, None), ("PATCH", webhook, {"events": ["build:passed"]}), ("PUT", webhook, HOOK),
            ("DELETE", webhook, None), ("GET", email, None), ("DELETE", email, None),
        ]:
            assert_error(live.request(method, path, bob, json=body), 403)
            assert live.request(method, path, json=body).status_code == 401
        hidden = "/api/v3/projects/hidden/notifications"
        for method, path, body in calls(hidden) + calls("/api/v3/projects/nope/notifications") + [
            ("GET", f"{hidden}/webhooks/1/", None), ("DELETE", f"{hidden}/emails/1/", None),
        ]:
            assert_error(live.request(method, path, bob, json=body), 404)
        for path in (f"{WEBHOOKS}999999/", f"{EMAILS}999999/", f"{WEBHOOKS}abc/", f"{EMAILS}{email.rstrip('/').rsplit('/', 1)[1]}0/"):
            assert_error(live.get(path, alice), 404)
        # A webhook of one project is not reachable under another.
        other = webhook.replace("/projects/docs/", "/projects/hidden/")
        assert_error(live.get(other, alice), 404)
        assert_error(live.request("DELETE", other, alice), 404)


def test_conditional_writes(live_server, alice):
    live = live_server
    webhook = create_webhook(live, alice)["_links"]["_self"]
    email = assert_json(live.post(EMAILS, alice, json={"email": "dev@example.com"}), 201)["_links"]["_self"]
    webhook_tag, email_tag = live.get(webhook, alice).headers["ETag"], live.get(email, alice).headers["ETag"]
    assert live.get(webhook, alice, headers={"If-None-Match": webhook_tag}).status_code == 304

    assert live.patch(webhook, alice, json={"events": ["build:passed"]}, headers={"If-Match": webhook_tag}).status_code == 204
    with nothing_changes(live, alice, "docs"):
        for method, body in (("PATCH", {"events": ["build:failed"]}), ("PUT", HOOK), ("DELETE", None)):
            assert_error(live.request(method, webhook, alice, json=body, headers={"If-Match": webhook_tag}), 412)
        assert_error(live.request("DELETE", email, alice, headers={"If-Match": '"1-0000"'}), 412)
    assert assert_json(live.get(webhook, alice), 200)["events"] == ["build:passed"]
    fresh = live.get(webhook, alice).headers["ETag"]
    assert fresh != webhook_tag
    assert live.request("DELETE", webhook, alice, headers={"If-Match": fresh}).status_code == 204
    assert live.request("DELETE", email, alice, headers={"If-Match": email_tag}).status_code == 204


def test_a_202_create_still_answers_the_secret_once(backend, start_live_server):
    """With the read model behind, the create answers 202; the secret is in that answer, or lost."""
    stalled = start_live_server(backend, projector=False, DOCSPLANE_WRITE_WAIT_TIMEOUT=0.2)
    token = stalled.token("alice")
    assert_json(stalled.post("/api/v3/projects/", token, json=project_body("Docs")), 202)
    stalled.docsplane.catch_up()

    response = stalled.post(WEBHOOKS, token, json=HOOK)
    body = assert_json(response, 202)
    assert body["location"] == response.headers["Location"]
    assert len(body["secret"]) == 40
    assert_error(stalled.get(body["location"], token), 404)  # not visible yet
    stalled.docsplane.catch_up()
    detail = assert_json(stalled.get(body["location"], token), 200)
    assert "secret" not in detail and body["secret"] not in stalled.get(WEBHOOKS, token).text
    assert stalled.docsplane.notifications.secret_for_webhook("docs", detail["id"]) == body["secret"]

    response = stalled.post(EMAILS, token, json={"email": "dev@example.com"})
    assert assert_json(response, 202)["location"] == response.headers["Location"]
    assert "secret" not in response.json()
