"""Repository URLs on import and update, over real HTTP: Read the Docs' schemes are taken, anything else
is 422 `invalid` on `repository.url`, and a local repository only where DOCSPLANE_ALLOW_LOCAL_REPOSITORIES is on."""

import pytest
from e2e_support import assert_error, assert_json, project_body

PROJECTS = "/api/v3/projects/"


@pytest.mark.parametrize("url", ["https://github.com/readthedocs/template", "git@github.com:readthedocs/template.git",
                                 "ssh://git@example.com/docs.git", "git://example.com/docs.git"])
def test_read_the_docs_urls_import(live_server, alice, url):
    created = assert_json(live_server.post(PROJECTS, alice, json=project_body("Docs", repository={"url": url})), 201)
    assert created["repository"]["url"] == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/repo", "docs", "https://"])
def test_other_urls_are_refused(live_server, alice, project, url):
    head = live_server.log_head()
    assert_error(live_server.post(PROJECTS, alice, json=project_body("Bad", repository={"url": url})), 422,
                 resource="Project", field="repository.url", code="invalid")
    assert_error(live_server.patch(f"{PROJECTS}{project}/", alice, json={"repository": {"url": url}}), 422,
                 resource="Project", field="repository.url", code="invalid")
    assert live_server.log_head() == head


def test_local_repositories_only_where_allowed(start_live_server, tmp_path):
    local = {"url": f"file://{tmp_path}", "type": "git"}
    refusing = start_live_server("sqlite", DOCSPLANE_ALLOW_LOCAL_REPOSITORIES="false")
    token = refusing.token("alice")
    head = refusing.log_head()
    for url in (f"file://{tmp_path}", str(tmp_path)):
        assert_error(refusing.post(PROJECTS, token, json=project_body("Local", repository={"url": url})), 422,
                     field="repository.url", code="invalid")
    assert refusing.log_head() == head
    assert_json(refusing.post(PROJECTS, token, json=project_body("Remote")), 201)
    assert_error(refusing.patch(f"{PROJECTS}remote/", token, json={"repository": local}), 422, field="repository.url", code="invalid")

    allowing = start_live_server("sqlite")  # the tests' settings turn it on
    created = assert_json(allowing.post(PROJECTS, allowing.token("alice"), json=project_body("Local", repository=local)), 201)
    assert created["repository"]["url"] == local["url"]
