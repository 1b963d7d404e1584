"""Scoped API tokens over real HTTP: issuing and revoking them, and every route honouring their scope."""

from __future__ import annotations

import os
import subprocess

import pytest
from e2e_support import assert_error, assert_json, docsplane_command, nothing_changes, project_body

READ_ONLY = "This token is read-only."


@pytest.fixture
def alice(live_server):
    """alice's first token (every project, write), with two projects: alpha (public), beta (private)."""
    token = live_server.token("alice")
    for name, privacy in (("Alpha", "public"), ("Beta", "private")):
        assert_json(live_server.post("/api/v3/projects/", token, json=project_body(name, privacy_level=privacy)), 201)
    return token


def issue(live, token, **body) -> dict:
    response = live.post("/api/v3/tokens/", token, json=body)
    issued = assert_json(response, 201)
    assert response.headers["Location"] == issued["_links"]["_self"] == f"{live.url}/api/v3/tokens/{issued['id']}/"
    return issued


# -- issuing, listing, revoking -------------------------------------------------------------------

def test_issue_answers_the_token_once_and_it_works_at_once(live_server, alice):
    issued = issue(live_server, alice, name="ci", projects=["alpha"], access="read")
    assert set(issued) == {"id", "name", "created", "projects", "access", "hint", "token", "_links"}
    assert (issued["name"], issued["projects"], issued["access"]) == ("ci", ["alpha"], "read")
    assert len(issued["token"]) == 40 and issued["hint"] == issued["token"][-4:]
    assert_json(live_server.get("/api/v3/projects/alpha/", issued["token"]), 200)  # read-your-writes

    listing = assert_json(live_server.get("/api/v3/tokens/", alice), 200)
    assert listing["count"] == 2 and listing["next"] is None
    first, listed = listing["results"]
    assert (first["projects"], first["access"]) == (None, "write")  # the token `users create` issued
    assert listed == {k: v for k, v in issued.items() if k != "token"}  # never the token again, nor its hash
    assert issued["token"] not in str(listing) and alice not in str(listing)
    assert assert_json(live_server.get(issued["_links"]["_self"], alice), 200) == listed


def test_issue_defaults_to_every_project_and_write(live_server, alice):
    issued = issue(live_server, alice)
    assert (issued["name"], issued["projects"], issued["access"]) == ("", None, "write")
    assert_json(live_server.post("/api/v3/projects/", issued["token"], json=project_body("Gamma")), 201)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"projects": ["not-mine"]}, "projects"),
        ({"projects": ["alpha", "nope"]}, "projects"),
        ({"projects": []}, "projects"),
        ({"projects": "alpha"}, "projects"),
        ({"access": "admin"}, "access"),
        ({"name": "x" * 101}, "name"),
        ({"project": ["alpha"]}, "project"),  # a misspelt scope must not issue an unlimited token
    ],
)
def test_invalid_token_requests_are_422_and_issue_nothing(live_server, alice, body, field):
    bob = live_server.token("bob")
    assert_json(live_server.post("/api/v3/projects/", bob, json=project_body("Not Mine")), 201)
    head = live_server.log_head()
    assert_error(live_server.post("/api/v3/tokens/", alice, json=body), 422, resource="Token", field=field, code="invalid")
    assert live_server.log_head() == head
    assert assert_json(live_server.get("/api/v3/tokens/", alice), 200)["count"] == 1


def test_revoked_token_answers_401_as_soon_as_revoke_returns(live_server, alice):
    issued = issue(live_server, alice, name="temporary")
    assert_json(live_server.get("/api/v3/projects/", issued["token"]), 200)
    response = live_server.request("DELETE", f"/api/v3/tokens/{issued['id']}/", alice)
    assert response.status_code == 204, response.text
    assert_error(live_server.get("/api/v3/projects/", issued["token"]), 401)
    assert_error(live_server.get(f"/api/v3/tokens/{issued['id']}/", alice), 404)
    assert_error(live_server.request("DELETE", f"/api/v3/tokens/{issued['id']}/", alice), 404)
    assert assert_json(live_server.get("/api/v3/tokens/", alice), 200)["count"] == 1
    assert_json(live_server.get("/api/v3/projects/", alice), 200)  # the other token still works


def test_a_token_may_revoke_itself(live_server, alice):
    [own] = assert_json(live_server.get("/api/v3/tokens/", alice), 200)["results"]
    response = live_server.request("DELETE", f"/api/v3/tokens/{own['id']}/", alice)
    assert response.status_code == 204, response.text
    assert_error(live_server.get("/api/v3/tokens/", alice), 401)


def test_only_the_owner_sees_and_revokes_a_token(live_server, alice):
    issued = issue(live_server, alice)
    bob = live_server.token("bob")
    assert_error(live_server.get(f"/api/v3/tokens/{issued['id']}/", bob), 404)
    assert_error(live_server.request("DELETE", f"/api/v3/tokens/{issued['id']}/", bob), 404)
    assert assert_json(live_server.get("/api/v3/tokens/", bob), 200)["count"] == 1  # only bob's own
    assert_json(live_server.get("/api/v3/projects/", issued["token"]), 200)


def test_only_an_unlimited_write_token_manages_tokens(live_server, alice):
    scoped = issue(live_server, alice, projects=["alpha"])["token"]
    read_only = issue(live_server, alice, access="read")["token"]
    for token in (scoped, read_only):
        assert_error(live_server.post("/api/v3/tokens/", token, json={"access": "read"}), 403)
        assert_error(live_server.request("DELETE", "/api/v3/tokens/1/", token), 403)
    # A read token may see the list; a project-limited one may not (it names every project).
    assert_json(live_server.get("/api/v3/tokens/", read_only), 200)
    assert_error(live_server.get("/api/v3/tokens/", scoped), 403)
    assert assert_json(live_server.get("/api/v3/tokens/", alice), 200)["count"] == 3


# -- scope enforcement ----------------------------------------------------------------------------

def test_read_only_token_reads_but_never_writes(live_server, alice):
    token = issue(live_server, alice, access="read")["token"]
    assert_json(live_server.get("/api/v3/projects/beta/", token), 200)  # private, but alice's
    assert_json(live_server.get("/api/v3/projects/alpha/versions/latest/", token), 200)
    assert live_server.request("HEAD", "/api/v3/projects/alpha/", token).status_code == 200
    assert_json(live_server.request("OPTIONS", "/api/v3/projects/alpha/", token), 200)
    with nothing_changes(live_server, alice, "alpha"):
        body = assert_error(live_server.patch("/api/v3/projects/alpha/", token, json={"name": "Renamed"}), 403)
        assert body["message"] == READ_ONLY
        assert_error(live_server.post("/api/v3/projects/alpha/builds/", token, json={}), 403)
        assert_error(live_server.patch("/api/v3/projects/alpha/versions/latest/", token, json={"active": False}), 403)
        assert_error(live_server.post("/api/v3/projects/", token, json=project_body("Gamma")), 403)
        # Authorization comes before parsing: even a malformed body answers 403, not 400.
        assert_error(live_server.patch("/api/v3/projects/alpha/", token, data="{oops", headers={"Content-Type": "application/json"}), 403)


def test_project_token_is_refused_outside_its_projects(live_server, alice):
    token = issue(live_server, alice, projects=["alpha"])["token"]
    bob = live_server.token("bob")
    assert_json(live_server.post("/api/v3/projects/", bob, json=project_body("Bobs")), 201)
    assert_json(live_server.get("/api/v3/projects/alpha/", token), 200)
    assert live_server.patch("/api/v3/projects/alpha/", token, json={"name": "Alpha Renamed"}).status_code == 204
    with nothing_changes(live_server, alice, "beta"):
        for slug in ("beta", "bobs", "no-such-project"):  # the same answer whether or not it exists
            body = assert_error(live_server.get(f"/api/v3/projects/{slug}/", token), 403)
            assert body["message"].startswith(f"This token is not valid for project '{slug}'")
            assert_error(live_server.get(f"/api/v3/projects/{slug}/versions/", token), 403)
            assert_error(live_server.patch(f"/api/v3/projects/{slug}/", token, json={"name": "X"}), 403)
        assert_error(live_server.post("/api/v3/projects/", token, json=project_body("Gamma")), 403)


def test_project_token_lists_only_its_projects(live_server, alice):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Gamma")), 201)
    token = issue(live_server, alice, projects=["gamma", "beta"], access="read")["token"]
    listing = assert_json(live_server.get("/api/v3/projects/?limit=1", token), 200)
    assert listing["count"] == 2 and listing["next"] is not None
    both = assert_json(live_server.get("/api/v3/projects/", token), 200)["results"]
    assert sorted(p["slug"] for p in both) == ["beta", "gamma"]
    filtered = assert_json(live_server.get("/api/v3/projects/?privacy_level=private", token), 200)["results"]
    assert [p["slug"] for p in filtered] == ["beta"]
    assert assert_json(live_server.get("/api/v3/projects/", alice), 200)["count"] == 3


def test_scope_never_widens_the_users_own_rights(live_server, alice):
    """A token for a project its user does not maintain cannot be issued; a scoped token of a user who
    is not a maintainer still only reads public projects."""
    bob = live_server.token("bob")
    assert_error(live_server.post("/api/v3/tokens/", bob, json={"projects": ["alpha"]}), 422, field="projects", code="invalid")
    assert_error(live_server.post("/api/v3/tokens/", bob, json={"projects": ["beta"]}), 422, field="projects", code="invalid")
    bobs_all = issue(live_server, bob)["token"]
    assert_error(live_server.patch("/api/v3/projects/alpha/", bobs_all, json={"name": "Mine"}), 403)
    assert_error(live_server.get("/api/v3/projects/beta/", bobs_all), 404)


def test_cli_issues_scoped_tokens(live_server, alice):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSPLANE_", "POSTGRES_", "SQLITE_", "PERSISTENCE_"))}
    env.update(live_server.docsplane.settings.as_environ())
    done = subprocess.run(
        [*docsplane_command(), "users", "token", "alice", "--project", "alpha", "--project", "beta", "--read-only", "--name", "ci"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.split()[-1]
    assert "read" in done.stdout and "alpha, beta" in done.stdout
    assert_json(live_server.get("/api/v3/projects/beta/", token), 200)
    assert assert_error(live_server.patch("/api/v3/projects/alpha/", token, json={"name": "X"}), 403)["message"] == READ_ONLY
    listed = assert_json(live_server.get("/api/v3/tokens/", alice), 200)["results"][-1]
    assert (listed["name"], listed["projects"], listed["access"], listed["hint"]) == ("ci", ["alpha", "beta"], "read", token[-4:])

    refused = subprocess.run([*docsplane_command(), "users", "token", "alice", "--project", "nope"],
                             env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "'nope' is not a project you maintain" in refused.stderr


def test_a_write_naming_another_project_needs_that_project_in_scope(live_server, alice):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Gamma")), 201)
    alpha_only = issue(live_server, alice, projects=["alpha"])["token"]
    gamma_only = issue(live_server, alice, projects=["gamma"])["token"]
    with nothing_changes(live_server, alice, "alpha"), nothing_changes(live_server, alice, "gamma"):
        body = assert_error(live_server.post("/api/v3/projects/alpha/subprojects/", alpha_only, json={"child": "gamma", "alias": "g"}), 403)
        assert "'gamma'" in body["message"]
        assert_error(live_server.patch("/api/v3/projects/gamma/", gamma_only, json={"translation_of": "alpha"}), 403)
    both = issue(live_server, alice, projects=["alpha", "gamma"])["token"]
    assert_json(live_server.post("/api/v3/projects/alpha/subprojects/", both, json={"child": "gamma", "alias": "g"}), 201)


def test_flyout_serves_a_token_for_other_projects_as_anonymous(live_server, alice):
    """The flyout needs no token; one that is not valid for the project grants nothing, and takes nothing away."""
    beta_only = issue(live_server, alice, projects=["beta"])["token"]
    alpha_only = issue(live_server, alice, projects=["alpha"])["token"]
    assert_json(live_server.get("/api/v3/projects/alpha/versions/latest/flyout/", beta_only), 200)  # public
    assert_error(live_server.get("/api/v3/projects/beta/versions/latest/flyout/", alpha_only), 404)  # private: as anonymous
    assert_json(live_server.get("/api/v3/projects/beta/versions/latest/flyout/", beta_only), 200)
    assert_error(live_server.get("/api/v3/projects/beta/versions/latest/flyout/", "not-a-token"), 401)


def test_token_detail_has_an_etag_and_revoke_honours_if_match(live_server, alice):
    issued = issue(live_server, alice)
    path = f"/api/v3/tokens/{issued['id']}/"
    etag = live_server.get(path, alice).headers["ETag"]
    assert live_server.get(path, alice, headers={"If-None-Match": etag}).status_code == 304
    assert_error(live_server.request("DELETE", path, alice, headers={"If-Match": '"1-0000"'}), 412)
    assert_json(live_server.get("/api/v3/projects/", issued["token"]), 200)  # still valid
    assert live_server.request("DELETE", path, alice, headers={"If-Match": etag}).status_code == 204
    assert_error(live_server.get("/api/v3/projects/", issued["token"]), 401)


def test_issue_while_the_read_models_lag_still_answers_the_token(backend, start_live_server):
    """202 (the projector is stopped): the token is in the answer, the only time it is ever shown,
    and authenticates once its Location answers."""
    live = start_live_server(backend, projector=False, DOCSPLANE_WRITE_WAIT_TIMEOUT=0.2)
    alice = live.token("alice")
    response = live.post("/api/v3/tokens/", alice, json={"name": "late", "access": "read"})
    issued = assert_json(response, 202)
    assert (issued["name"], issued["access"], len(issued["token"])) == ("late", "read", 40)
    assert response.headers["Location"] == f"{live.url}/api/v3/tokens/{issued['id']}/"
    assert_error(live.get("/api/v3/projects/", issued["token"]), 401)
    live.docsplane.catch_up()
    assert_json(live.get(response.headers["Location"], alice), 200)
    assert_json(live.get("/api/v3/projects/", issued["token"]), 200)
