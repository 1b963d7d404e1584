"""The browsable API (seed 000: "browse is allowed hitting /api/v3/projects/ ... navigate clicking on
other resources under _links") over real HTTP: HTML for browsers, JSON for everyone else, and the
token cookie accepted for reads only. The clicking itself: test_browsable_chromium.py."""

from __future__ import annotations

import html
import json

import pytest
from e2e_support import SEED_PROJECT, assert_error, assert_json, project_body

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PROJECTS = "/api/v3/projects/"


@pytest.fixture
def live(start_live_server):
    """Content negotiation is the API layer's alone: one storage backend is enough."""
    return start_live_server("sqlite")


@pytest.fixture
def alice(live):
    return live.token("alice")


def cookie(token: str) -> dict:
    return {"Cookie": f"docsplane_token={token}"}


def page(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("text/html"), response.headers["Content-Type"]
    assert "Accept" in response.headers["Vary"]
    return response.text


def test_a_browser_gets_a_page_whose_api_urls_are_links(live, alice):
    assert_json(live.post(PROJECTS, alice, json=SEED_PROJECT), 201)
    text = page(live.get("/api/v3/", headers=BROWSER), 200)
    assert f'<a href="{live.url}/api/v3/projects/">"{live.url}/api/v3/projects/"</a>' in text
    assert "HTTP 200 OK" in text and 'id="token-form"' in text

    text = page(live.get(PROJECTS, headers={**BROWSER, **cookie(alice)}), 200)
    project_url = f"{live.url}/api/v3/projects/test-project/"
    assert f'<a href="{project_url}">' in text
    assert f'<a href="{project_url}builds/">' in text
    # Non-API URLs (the repository, the documentation) stay text.
    assert '<a href="https://github.com/readthedocs/template">' not in text
    assert '"https://github.com/readthedocs/template"' in text


def test_api_clients_still_get_json(live, alice):
    for accept in (None, "*/*", "application/json", "application/json, text/html", "application/json;q=1, text/html;q=0.5"):
        headers = {"Accept": accept} if accept else {}
        assert_json(live.get("/api/v3/", headers=headers), 200)
        assert_json(live.get(PROJECTS, alice, headers=headers), 200)
    assert "Accept" in live.get(PROJECTS, alice).headers["Vary"]


def test_the_page_escapes_what_users_wrote(live, alice):
    evil = "Evil <script>alert(1)</script> & \"quotes\""
    created = assert_json(live.post(PROJECTS, alice, json=project_body(evil)), 201)
    text = page(live.get(created["_links"]["_self"], headers={**BROWSER, **cookie(alice)}), 200)
    assert "<script>alert(1)" not in text
    assert html.escape(json.dumps(evil), quote=False) in text  # shown as the JSON string it is
    assert text.count("<script") == 1  # the page's own, which only the CSP nonce lets run
    policy = live.get(created["_links"]["_self"], headers={**BROWSER, **cookie(alice)}).headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'nonce-" in policy


def test_errors_are_pages_too_with_the_token_form(live, alice):
    text = page(live.get(PROJECTS, headers=BROWSER), 401)
    assert "HTTP 401 Unauthorized" in text and 'id="token-form"' in text
    assert "Authentication credentials were not provided" in text
    page(live.get("/api/v3/projects/nope/", alice, headers=BROWSER), 404)
    text = page(live.get(f"{PROJECTS}?fields=nope", alice, headers=BROWSER), 422)
    assert "unknown field 'nope'" in text


def test_the_cookie_authenticates_reads_only(live, alice):
    assert_json(live.get(PROJECTS, headers=cookie(alice)), 200)
    assert_error(live.get(PROJECTS, headers=cookie("not-a-token")), 401)
    # Writes need the Authorization header: a cookie could be sent by a forged cross-site request.
    head = live.log_head()
    assert_error(live.post(PROJECTS, headers=cookie(alice), json=project_body("Forged")), 401)
    assert_error(live.patch("/api/v3/projects/forged/", headers=cookie(alice), json={"name": "x"}), 401)
    assert live.log_head() == head
    # The header wins over the cookie.
    assert_error(live.get(PROJECTS, "not-a-token", headers=cookie(alice)), 401)


def test_writes_and_the_openapi_document_are_never_pages(live, alice):
    response = live.post(PROJECTS, alice, json=SEED_PROJECT, headers=BROWSER)
    assert_json(response, 201)
    assert_json(live.get("/api/v3/openapi.json", headers=BROWSER), 200)
