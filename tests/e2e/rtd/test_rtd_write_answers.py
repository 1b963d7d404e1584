"""The write answers a Read the Docs client reads (readthedocs/api/v3/views.py, mixins.py): the build
trigger's `triggered` (with seed 002's 201), sync-versions' `{"triggered": true}` (202), and PUT of a
project (204, `name` and `repository` required, the fields left out kept)."""

from e2e_support import assert_error, assert_json

BASE = "/api/v3/projects/test-project/"


def test_build_trigger_says_triggered(live_server, alice, project):
    for path, body in ((f"{BASE}versions/latest/builds/", None), (f"{BASE}builds/", {"version": "latest"})):
        answer = assert_json(live_server.post(path, alice, json=body), 201)
        assert answer["triggered"] is True and set(answer) == {"build", "project", "version", "triggered"}


def test_sync_versions_answers_triggered(live_server, alice, project):
    response = live_server.post(f"{BASE}sync-versions/", alice)
    assert assert_json(response, 202) == {"triggered": True}


def test_put_of_a_project_updates_it_as_read_the_docs_does(live_server, alice, project):
    before = assert_json(live_server.get(BASE, alice), 200)
    body = {"name": "Test Project", "repository": {"url": "https://github.com/readthedocs/readthedocs.org", "type": "git"},
            "language": "ja"}
    response = live_server.request("PUT", BASE, alice, json=body)
    assert response.status_code == 204 and response.content == b""
    after = assert_json(live_server.get(BASE, alice), 200)
    assert (after["repository"]["url"], after["language"]["code"]) == ("https://github.com/readthedocs/readthedocs.org", "ja")
    assert (after["programming_language"], after["default_branch"], after["tags"]) == (
        before["programming_language"], before["default_branch"], before["tags"])  # left out: kept


def test_put_of_a_project_needs_name_and_repository(live_server, alice, bob, project):
    head = live_server.log_head()
    assert_error(live_server.request("PUT", BASE, alice, json={"language": "ja"}), 422, field="name", code="missing_field")
    assert_error(live_server.request("PUT", BASE, alice, json={"name": "Test Project"}), 422, field="repository", code="missing_field")
    body = {"name": "Test Project", "repository": {"url": "https://github.com/x/y"}}
    assert_error(live_server.request("PUT", BASE, bob, json=body), 403)
    assert_error(live_server.request("PUT", BASE, json=body), 401)
    assert live_server.log_head() == head
