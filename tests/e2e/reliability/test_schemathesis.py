"""Schemathesis over the served OpenAPI document, against a live server on PostgreSQL: every operation
(GET, POST, PUT, PATCH, DELETE) gets examples, boundary (coverage) cases and fuzzed inputs, valid and
invalid. Every answer must be no 5xx, JSON (but 204/304), of a status the operation documents (the
catch-all `default` does not count), with the documented content type, headers and body schema.

The server holds a populated project, and path parameters mostly name its real objects (sometimes a
generated value), so the fuzzing reaches past 404s. Each DELETE gets its own victims (always them: a
generated id could name the fuzzing's own token), so deleting them starves no other operation.
Deterministic: a fixed seed, derandomized, no example database."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from e2e_support import add_version, assert_json, project_body
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

# Hypothesis keeps caches (constants read in the sources) in `.hypothesis` under the working directory,
# from the moment this module is collected: in the temporary directory instead, out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "docsplane-hypothesis")

MAX_EXAMPLES = 15  # fuzzed inputs per operation and mode, besides the examples and coverage cases
SEED = 20261123
REAL_VALUE = 0.85  # how often a path parameter names a real object rather than a generated value
AGENT = "docsplane-fuzz/1.0"
PROJECTS = "/api/v3/projects/"
NO_BODY = (204, 304)


def status_is_documented(ctx, response, case) -> None:
    """Stricter than status_code_conformance: flask-smorest's catch-all `default` documents nothing.
    Methods the path does not document (the coverage phase tries them): OPTIONS lists the allowed
    ones, anything else is 405 with `Allow`."""
    if case.method.upper() != case.operation.method.upper():
        allow = response.headers.get("allow", [""])[0]
        if case.method.upper() == "OPTIONS":
            assert response.status_code == 200 and response.json()["methods"], (case.path, response.status_code)
        else:
            assert response.status_code == 405 and allow, (case.method, case.path, response.status_code)
        return
    documented = set(case.operation.definition.raw.get("responses", {})) - {"default"}
    assert str(response.status_code) in documented, (
        f"{case.method} {case.path} answered {response.status_code}, documented: {sorted(documented)}")


def answers_json(ctx, response, case) -> None:
    """Every answer with a body is JSON (an error: an object with a message), never HTML."""
    if response.status_code in NO_BODY:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (response.status_code, content_type, response.text[:200])
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"], body


CHECKS = [not_a_server_error, status_is_documented, answers_json, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def _created(live, token, path, body) -> dict:
    return assert_json(live.post(path, token, json=body), 201)


def populate(live) -> tuple[str, dict, dict]:
    """alice's token, the real value of each path parameter, and the victims of each DELETE."""
    alice = live.token("alice")
    live.token("bob")
    live.token("carol")
    base = f"{PROJECTS}fuzz"
    _created(live, alice, PROJECTS, project_body("Fuzz", language="en"))
    for name in ("Fuzz Child", "Fuzz Doomed Child", "Fuzz Doomed"):
        _created(live, alice, PROJECTS, project_body(name, language="en"))
    add_version(live, "fuzz", "1.0")
    add_version(live, "fuzz", "stable", alias_of="1.0")
    build = _created(live, alice, f"{base}/builds/", {})["build"]["id"]
    command = live.docsplane.builds.record_command("worker", build, "make html", "ok", 0)
    assert live.docsplane.consistency.wait(command.recordings, 10)
    _created(live, alice, f"{base}/subprojects/", {"child": "fuzz-child", "alias": "child"})
    _created(live, alice, f"{base}/subprojects/", {"child": "fuzz-doomed-child", "alias": "doomed"})
    for username in ("bob", "carol"):
        _created(live, alice, f"{base}/maintainers/", {"username": username})

    def two(path, make):
        return [_created(live, alice, f"{base}/{path}", make(n)) for n in (1, 2)]

    redirects = two("redirects/", lambda n: {"type": "page", "from_url": f"/old-{n}.html", "to_url": f"/new-{n}.html"})
    variables = two("environmentvariables/", lambda n: {"name": f"VAR_{n}", "value": "secret"})
    webhooks = two("notifications/webhooks/", lambda n: {"url": f"https://hooks.example/{n}", "events": ["build:failed"]})
    emails = two("notifications/emails/", lambda n: {"email": f"team-{n}@example.com"})
    tokens = [_created(live, alice, "/api/v3/tokens/", {"name": f"ci-{n}", "access": "read"}) for n in (1, 2)]
    real = {
        "project_slug": "fuzz", "version_slug": "latest", "build_id": build, "command_id": command.value,
        "redirect_id": redirects[0]["pk"], "environmentvariable_id": variables[0]["pk"],
        "webhook_id": webhooks[0]["id"], "hook_id": emails[0]["id"], "alias_slug": "child",
        "username": "bob", "token_id": tokens[0]["id"],
    }
    victims = {
        "/projects/{project_slug}/": {"project_slug": "fuzz-doomed"},
        "/projects/{project_slug}/redirects/{redirect_id}/": {"redirect_id": redirects[1]["pk"]},
        "/projects/{project_slug}/environmentvariables/{environmentvariable_id}/": {"environmentvariable_id": variables[1]["pk"]},
        "/projects/{project_slug}/notifications/webhooks/{webhook_id}/": {"webhook_id": webhooks[1]["id"]},
        "/projects/{project_slug}/notifications/emails/{hook_id}/": {"hook_id": emails[1]["id"]},
        "/projects/{project_slug}/subprojects/{alias_slug}/": {"alias_slug": "doomed"},
        "/projects/{project_slug}/maintainers/{username}/": {"username": "carol"},
        "/tokens/{token_id}/": {"token_id": tokens[1]["id"]},
    }
    return alice, real, victims


def fuzz_config(url: str, token: str, real: dict, victims: dict) -> schemathesis.Config:
    dictionaries = {name: {"values": [str(value)]} for name, value in real.items()}
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "suppress-health-check": ["all"],
        "dictionaries": dictionaries,
        "base-url": url,
        "headers": {"Authorization": f"Token {token}", "User-Agent": AGENT},
        "request-timeout": 30,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none",
                       "mode": "all", "no-shrink": True},
        "phases": {"stateful": {"enabled": False}},
        "parameters": {f"path.{name}": {"dictionary": name, "probability": REAL_VALUE} for name in real},
        "operations": [
            {"include-name": f"DELETE /api/v3{path}",
             "parameters": {f"path.{name}": value for name, value in victim.items()}}
            for path, victim in victims.items()
        ],
    })


@pytest.fixture
def fuzzed_api(start_live_server):
    live = start_live_server("postgres", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off")
    token, real, victims = populate(live)
    config = fuzz_config(live.url, token, real, victims)
    return schemathesis.openapi.from_url(f"{live.url}/api/v3/openapi.json", config=config, headers={"User-Agent": AGENT})


@pytest.fixture
def operations_seen() -> set[str]:
    return set()


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32 names each operation's subtest through `Node._nodeid`, which pytest 9.2's
    nodes no longer have; give it the attribute it reads and restores."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("fuzzed_api")


@schema.parametrize()
def test_no_operation_answers_what_it_does_not_document(case, operations_seen, reliability):
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    first = case.operation.label not in operations_seen
    operations_seen.add(case.operation.label)
    reliability.record("Fuzzing: schemathesis over the OpenAPI document", operations=int(first), inputs_tried=1,
                       server_errors=int(response.status_code >= 500))
