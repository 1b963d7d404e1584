"""Environment variables over real HTTP (seed 002, "Environment Variables"): every route, the
name rules, who may see them, and the value that is written once and never shown again."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from e2e_support import assert_error, assert_json, project_body

from projections.registry import PROJECTIONS

BASE = "/api/v3/projects/test-project/environmentvariables/"
FIELDS = {"pk", "created", "modified", "project", "name", "public", "_links"}
SEED_BODY = {"name": "MYVAR", "value": "My secret value"}





@pytest.fixture
def variable(live_server, alice, project) -> dict:
    return assert_json(live_server.post(BASE, alice, json=SEED_BODY), 201)


def test_create_answers_the_seed_variable_without_its_value(live_server, alice, project):
    response = live_server.post(BASE, alice, json=SEED_BODY)
    created = assert_json(response, 201)
    self_url = f"{live_server.url}{BASE}{created['pk']}/"
    assert response.headers["Location"] == self_url
    assert set(created) == FIELDS
    assert (created["project"], created["name"], created["public"]) == ("test-project", "MYVAR", False)
    assert created["_links"] == {"_self": self_url, "project": f"{live_server.url}/api/v3/projects/test-project/"}
    assert created["created"] == created["modified"]

    assert assert_json(live_server.get(self_url, alice), 200) == created
    assert assert_json(live_server.get(BASE, alice), 200) == {"count": 1, "next": None, "previous": None, "results": [created]}
    assert live_server.docsplane.environment_variables.values_for_build("test-project") == {"MYVAR": "My secret value"}


def test_public_variables(live_server, alice, project):
    created = assert_json(live_server.post(BASE, alice, json={"name": "PR_OK", "value": "x", "public": True}), 201)
    assert created["public"] is True
    assert_json(live_server.post(BASE, alice, json={"name": "PRIVATE", "value": "y"}), 201)
    assert live_server.docsplane.environment_variables.values_for_build("test-project", external=True) == {"PR_OK": "x"}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"value": "x"}, "name", "missing_field"),
        ({"name": "X"}, "value", "missing_field"),
        ({"name": "X", "value": ""}, "value", "missing_field"),
        ({"name": "X", "value": 42}, "value", "invalid"),
        ({"name": "X", "value": "x", "public": "maybe"}, "public", "invalid"),
        ({"name": "MY-VAR", "value": "x"}, "name", "invalid"),
        ({"name": "1ST", "value": "x"}, "name", "invalid"),
        ({"name": "MY VAR", "value": "x"}, "name", "invalid"),
        ({"name": "READTHEDOCS_TOKEN", "value": "x"}, "name", "invalid"),
        ({"name": "X", "value": "a\x00b"}, "value", "invalid"),
    ],
)
def test_invalid_variables_are_422_and_change_nothing(live_server, alice, project, body, field, code):
    before = live_server.log_head()
    assert_error(live_server.post(BASE, alice, json=body), 422, resource="EnvironmentVariable", field=field, code=code)
    assert live_server.log_head() == before


def test_a_name_is_unique_within_a_project_until_deleted(live_server, alice, variable):
    before = live_server.log_head()
    response = live_server.post(BASE, alice, json={"name": "MYVAR", "value": "another"})
    assert_error(response, 422, resource="EnvironmentVariable", field="name", code="already_exists")
    assert live_server.log_head() == before
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Other")), 201)
    assert_json(live_server.post("/api/v3/projects/other/environmentvariables/", alice, json=SEED_BODY), 201)

    assert live_server.request("DELETE", f"{BASE}{variable['pk']}/", alice).status_code == 204
    again = assert_json(live_server.post(BASE, alice, json={"name": "MYVAR", "value": "another"}), 201)
    assert again["pk"] != variable["pk"]
    assert live_server.docsplane.environment_variables.values_for_build("test-project") == {"MYVAR": "another"}


def test_delete(live_server, alice, variable):
    path = f"{BASE}{variable['pk']}/"
    response = live_server.request("DELETE", path, alice)
    assert response.status_code == 204 and response.content == b""
    assert_error(live_server.get(path, alice), 404)
    assert assert_json(live_server.get(BASE, alice), 200)["count"] == 0
    assert_error(live_server.request("DELETE", path, alice), 404)
    assert live_server.docsplane.environment_variables.values_for_build("test-project") == {}


def test_unknown_variables_are_404(live_server, alice, variable):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Other")), 201)
    elsewhere = f"/api/v3/projects/other/environmentvariables/{variable['pk']}/"
    for path in (elsewhere, f"{BASE}999999/", f"{BASE}notanumber/", "/api/v3/projects/nope/environmentvariables/"):
        assert_error(live_server.get(path, alice), 404)
    assert_error(live_server.request("DELETE", elsewhere, alice), 404)
    assert_error(live_server.post("/api/v3/projects/nope/environmentvariables/", alice, json=SEED_BODY), 404)


def test_pagination(live_server, alice, project):
    pks = [assert_json(live_server.post(BASE, alice, json={"name": f"V{i}", "value": "x"}), 201)["pk"] for i in range(3)]
    page = assert_json(live_server.get(f"{BASE}?limit=2&offset=1", alice), 200)
    assert page["count"] == 3 and [v["pk"] for v in page["results"]] == pks[1:]
    assert page["next"] is None and page["previous"] == f"{live_server.url}{BASE}?limit=2"


def test_only_maintainers_see_or_change_variables_of_a_public_project(live_server, alice, bob, variable):
    path = f"{BASE}{variable['pk']}/"
    before = live_server.log_head()
    assert_error(live_server.get(BASE, bob), 403)
    assert_error(live_server.get(path, bob), 403)
    assert_error(live_server.post(BASE, bob, json={"name": "MINE", "value": "x"}), 403)
    assert_error(live_server.request("DELETE", path, bob), 403)
    assert live_server.log_head() == before
    assert assert_json(live_server.get(path, alice), 200) == variable


def test_variables_of_a_private_project_do_not_exist_for_others(live_server, alice, bob):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Secret", privacy_level="private")), 201)
    base = "/api/v3/projects/secret/environmentvariables/"
    pk = assert_json(live_server.post(base, alice, json=SEED_BODY), 201)["pk"]
    before = live_server.log_head()
    assert_error(live_server.get(base, bob), 404)
    assert_error(live_server.get(f"{base}{pk}/", bob), 404)
    assert_error(live_server.post(base, bob, json={"name": "MINE", "value": "x"}), 404)
    assert_error(live_server.request("DELETE", f"{base}{pk}/", bob), 404)
    assert live_server.log_head() == before


def test_authentication_and_methods(live_server, alice, variable):
    path = f"{BASE}{variable['pk']}/"
    assert_error(live_server.get(BASE), 401)
    assert_error(live_server.post(BASE, json=SEED_BODY), 401)
    for method in ("PUT", "PATCH"):  # a variable is replaced by deleting it and creating another
        response = live_server.request(method, path, alice, json={"name": "MYVAR", "value": "changed"})
        assert_error(response, 405)
        assert {"GET", "DELETE"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert live_server.docsplane.environment_variables.values_for_build("test-project") == {"MYVAR": "My secret value"}


def test_if_match_guards_delete(live_server, alice, variable):
    path = f"{BASE}{variable['pk']}/"
    etag = live_server.get(path, alice).headers["ETag"]
    assert_error(live_server.request("DELETE", path, alice, headers={"If-Match": '"1-0000"'}), 412)
    assert live_server.request("DELETE", path, alice, headers={"If-Match": etag}).status_code == 204


def test_the_value_never_leaks(live_server, alice, project, caplog):
    """Not in any answer, read-model table, log line or stored event: only the build's read path
    (values_for_build) ever sees it again."""
    caplog.set_level(logging.DEBUG)
    secret = f"leak-canary-{uuid.uuid4().hex}"
    answers = []
    created = live_server.post(BASE, alice, json={"name": "CANARY", "value": secret})
    answers.append(created)
    pk = assert_json(created, 201)["pk"]
    answers.append(live_server.post(BASE, alice, json={"name": "CANARY", "value": secret}))  # 422 already_exists
    answers.append(live_server.post(BASE, alice, json={"name": "BAD NAME", "value": secret}))  # 422 invalid
    answers.append(live_server.request("PUT", f"{BASE}{pk}/", alice, json={"name": "CANARY", "value": secret}))  # 405
    for path in (BASE, f"{BASE}{pk}/", f"{BASE}?limit=100", "/api/v3/projects/test-project/", "/api/v3/openapi.json"):
        answers.append(live_server.get(path, alice))
    for answer in answers:
        assert secret not in answer.text and secret not in str(answer.headers)

    docsplane = live_server.docsplane
    docsplane.catch_up()
    for table in (t for projection in PROJECTIONS.values() for t in projection.tables):
        assert secret not in repr(docsplane.store.fetchall(f"SELECT * FROM {table}")), table
    notifications = docsplane.app.recorder.select_notifications(start=1, limit=100_000)
    assert any(n.topic.endswith("EnvironmentVariableCreated") for n in notifications)
    assert not [n.topic for n in notifications if secret.encode() in n.state]
    if docsplane.store.dialect == "sqlite":  # and not in any byte of the database files
        files = sorted(Path(docsplane.settings.data_dir).glob("*.sqlite3*"))
        assert {"events.sqlite3", "readmodels.sqlite3"} <= {f.name for f in files}
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in caplog.text
    # The server's and projector's threads log to the same root logger, captured at DEBUG; the
    # client's own records prove the capture was on.
    assert caplog.records

    assert docsplane.environment_variables.values_for_build("test-project") == {"CANARY": secret}
