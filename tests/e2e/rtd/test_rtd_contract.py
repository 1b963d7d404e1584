"""The contract with Read the Docs' APIv3: each of its own test fixtures (tests/contract/rtd_responses/),
recreated through docsplane's API over real HTTP, is answered with the same fields and JSON types,
recursively (tests/e2e/rtd_contract.py), but for the differences the seeds mandate (its ALLOWED)."""

from __future__ import annotations

import uuid

import pytest
from e2e_support import add_version, assert_json, poll
from git_support import build_config, git, git_repository
from rtd_contract import FIXTURES, NOT_COMPARED, differences, fixture

PROJECTS = "/api/v3/projects/"
P = f"{PROJECTS}project/"



def recreate(start_live_server, tmp_path) -> dict[str, dict]:
    """Every fixture's data made as Read the Docs' tests make it (readthedocs/api/v3/tests/mixins.py):
    a project `project` with a tag `v1.0` built once, a subproject under `subproject-alias`, a redirect
    and an environment variable; each fixture name → docsplane's answer to the same request."""
    # What `docsplane serve` runs beside the API (a build worker for the sync and the build), on a queue of its own.
    live = start_live_server("sqlite", background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false")
    token, other = live.token("testuser"), live.token("nobody")
    # The build leaves every format in its output, as the fixture's version lists them all in `downloads`.
    out = '"$READTHEDOCS_OUTPUT"'
    repo = git_repository(tmp_path / "project", build_config(
        f"mkdir -p {out}/html {out}/htmlzip {out}/epub {out}/pdf", f"echo built > {out}/html/index.html",
        *(f"echo {kind} > {out}/{kind}/project.{ext}" for kind, ext in (("htmlzip", "zip"), ("epub", "epub"), ("pdf", "pdf")))))
    got: dict[str, dict] = {}

    body = {"name": "project", "repository": {"url": f"file://{repo}", "type": "git"}, "homepage": "http://project.com",
            "programming_language": "words", "language": "en", "tags": ["test", "project", "tag"], "default_branch": "main"}
    got["projects-list_POST.json"] = assert_json(live.post(PROJECTS, token, json=body), 201)
    got["projects-sync-versions.json"] = assert_json(live.post(f"{P}sync-versions/", token), 202)
    tag = git(repo, "rev-parse", "HEAD")
    add_version(live, "project", "v1.0", active=False, identifier=tag)  # what the sync records for a tag (e2e_support.add_version)
    assert live.patch(f"{P}versions/v1.0/", token, json={"active": True}).status_code == 204
    triggered = assert_json(live.post(f"{P}versions/v1.0/builds/", token), 201)
    got["projects-versions-builds-list_POST.json"] = triggered
    build = f"{P}builds/{triggered['build']['id']}/"
    got["projects-builds-detail.json"] = poll(live, build, token, lambda b: b["state"]["code"] == "finished")
    got["projects-builds-list.json"] = assert_json(live.get(f"{P}builds/", token), 200)
    got["projects-versions-detail.json"] = assert_json(live.get(f"{P}versions/v1.0/", token), 200)

    child = {**body, "name": "subproject", "repository": {"url": "https://github.com/rtfd/subproject", "type": "git"}}
    assert_json(live.post(PROJECTS, token, json=child), 201)
    got["projects-subprojects-list_POST.json"] = assert_json(
        live.post(f"{P}subprojects/", token, json={"child": "subproject", "alias": "subproject-alias"}), 201)
    got["projects-subprojects-list.json"] = assert_json(live.get(f"{P}subprojects/", token), 200)
    got["projects-subprojects-detail.json"] = assert_json(live.get(f"{P}subprojects/subproject-alias/", token), 200)
    got["projects-superproject.json"] = assert_json(live.get(f"{PROJECTS}subproject/superproject/", token), 200)

    first = assert_json(live.post(f"{P}redirects/", token, json={"from_url": "/docs/", "to_url": "/documentation/", "type": "page"}), 201)
    got["projects-redirects-list_POST.json"] = assert_json(
        live.post(f"{P}redirects/", token, json={"from_url": "/page/", "to_url": "/another/", "type": "page"}), 201)
    got["projects-redirects-detail.json"] = assert_json(live.get(f"{P}redirects/{first['pk']}/", token), 200)
    got["projects-redirects-list.json"] = assert_json(live.get(f"{P}redirects/", token), 200)
    got["projects-redirects-detail_PUT.json"] = assert_json(live.request(
        "PUT", f"{P}redirects/{first['pk']}/", token, json={"from_url": "/changed/", "to_url": "/toanother/", "type": "page"}), 200)

    variable = assert_json(live.post(f"{P}environmentvariables/", token, json={"name": "ENVVAR", "value": "a1b2c3"}), 201)
    got["projects-environmentvariables-list_POST.json"] = variable
    got["projects-environmentvariables-detail.json"] = assert_json(live.get(f"{P}environmentvariables/{variable['pk']}/", token), 200)
    got["projects-environmentvariables-list.json"] = assert_json(live.get(f"{P}environmentvariables/", token), 200)

    got["projects-detail.json"] = assert_json(live.get(f"{P}?expand=active_versions,permissions", token), 200)
    got["projects-list.json"] = assert_json(live.get(f"{PROJECTS}?slug=project&limit=1", token), 200)
    got["projects-list-empty.json"] = assert_json(live.get(PROJECTS, other), 200)
    return got


COMPARED = sorted(path.name for path in FIXTURES.glob("*.json") if path.name not in NOT_COMPARED)


def test_every_answer_has_read_the_docs_fields_and_types(start_live_server, tmp_path):
    answers = recreate(start_live_server, tmp_path)
    assert sorted(answers) == COMPARED, "recreate every compared fixture's data"
    found = {name: differences(answers[name], fixture(name)) for name in COMPARED}
    problems = {name: problems for name, problems in found.items() if problems}
    assert problems == {}, "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)


def test_every_fixture_is_compared_or_excused():
    assert {path.name for path in FIXTURES.glob("*.json")} == set(COMPARED) | set(NOT_COMPARED)
    assert set(NOT_COMPARED) <= {path.name for path in FIXTURES.glob("*.json")}  # no stale excuse


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    ({"a": 1, "b": "x"}, {"a": 2, "b": "y"}, []),
    ({"a": "1"}, {"a": 1}, ["a: string where Read the Docs answers number"]),
    ({"a": 1}, {"a": 1, "b": 2}, ["b: missing"]),
    ({"a": 1, "c": 3}, {"a": 1}, ["c: not in Read the Docs' answer"]),
    ({"a": [{"x": 1}, {"y": 1}]}, {"a": [{"x": 0}]}, ["a[].x: missing", "a[].y: not in Read the Docs' answer"]),
    ({"a": []}, {"a": [1]}, ["a: empty where Read the Docs shows items (recreate the fixture's data)"]),
    ({"a": "x"}, {"a": None}, []),
    ({"a": None}, {"a": "x"}, ["a: null where Read the Docs answers string"]),
    ({"a": True}, {"a": 1}, ["a: boolean where Read the Docs answers number"]),
    ({"build": {"error": None}}, {"build": {"error": ""}}, []),  # allowed: seed 001
    ({"active_versions": {"v1": {"slug": "v1"}}}, {"active_versions": [{"slug": "v1", "id": 1}]},
     ["active_versions[].id: missing"]),  # keyed by slug, entries still compared
])
def test_the_comparison_itself(ours, theirs, expected):
    assert differences(ours, theirs) == expected
