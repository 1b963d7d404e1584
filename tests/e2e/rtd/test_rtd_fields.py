"""Fields a Read the Docs client reads (readthedocs/api/v3/serializers.py and its test fixtures):
`readthedocs_yaml_path` and `external_builds_privacy_level` on projects, `urls.dashboard.edit` on
versions, Read the Docs' `versioning_scheme` values, sorted tags, dates as `...Z`, and
`expand=organization,teams`."""

import re

from e2e_support import assert_error, assert_json, project_body

PROJECTS = "/api/v3/projects/"
RTD_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_project_fields_as_read_the_docs(live_server, alice):
    body = project_body("Fields", tags=["zeta", "alpha", "mid"], versioning_scheme="multiple_versions_without_translations")
    created = assert_json(live_server.post(PROJECTS, alice, json=body), 201)
    assert (created["readthedocs_yaml_path"], created["external_builds_privacy_level"]) == (None, "public")
    assert created["versioning_scheme"] == "multiple_versions_without_translations"
    assert created["tags"] == ["alpha", "mid", "zeta"]
    assert RTD_DATE.match(created["created"]) and RTD_DATE.match(created["modified"])

    changes = {"readthedocs_yaml_path": "docs/.readthedocs.yaml", "external_builds_privacy_level": "private",
               "tags": ["b", "a"], "versioning_scheme": "single_version_without_translations"}
    assert live_server.patch(f"{PROJECTS}fields/", alice, json=changes).status_code == 204
    after = assert_json(live_server.get(f"{PROJECTS}fields/", alice), 200)
    assert {k: after[k] for k in changes} == {**changes, "tags": ["a", "b"]}
    assert after["single_version"] is True


def test_bad_project_fields_are_422(live_server, alice, project):
    for field, value in (("readthedocs_yaml_path", "/abs/.readthedocs.yaml"), ("readthedocs_yaml_path", "docs/conf.py"),
                         ("readthedocs_yaml_path", "../.readthedocs.yaml"), ("external_builds_privacy_level", "secret"),
                         ("versioning_scheme", "many")):
        assert_error(live_server.patch(f"{PROJECTS}{project}/", alice, json={field: value}), 422, field=field, code="invalid")


def test_version_urls_name_the_dashboard(live_server, alice, project):
    version = assert_json(live_server.get(f"{PROJECTS}{project}/versions/latest/"), 200)
    assert version["urls"]["dashboard"] == {"edit": f"{live_server.url}/dashboard/{project}/version/latest/edit/"}


def test_build_dates_are_printed_as_read_the_docs(live_server, alice, project):
    build = assert_json(live_server.post(f"{PROJECTS}{project}/versions/latest/builds/", alice), 201)["build"]
    assert RTD_DATE.match(build["created"])


def test_expand_organization_and_teams_as_the_community_site(live_server, alice, project):
    expanded = assert_json(live_server.get(f"{PROJECTS}{project}/?expand=organization,teams", alice), 200)
    assert expanded["organization"] is None and "teams" not in expanded
    assert "organization" not in assert_json(live_server.get(f"{PROJECTS}{project}/", alice), 200)
    assert_error(live_server.get(f"{PROJECTS}{project}/?expand=owners", alice), 422, field="expand", code="invalid")
