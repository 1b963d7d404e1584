"""Contract: every example request of seed 002 (and seed 001's build-command and version examples)
is sent verbatim over HTTP to a server holding matching data ("pip" and its versions, a build, a
subproject, a redirect, an environment variable), and each response carries exactly the seed's
field names, recursively. Values may differ; integer ids in URLs are those of the matching data.

Fields beyond the seed's are allowed only when listed in EXTENSIONS: they are the additions
documented in docs/resources.md (project `versioning_scheme`, version `aliases`, build `urls`...)."""

from __future__ import annotations

import re

import pytest

from commands.handling.loading import load_project
from domain.version import Version
from e2e_support import assert_json
from seed_examples import examples, lenient_json

# What docsplane adds to the seed's objects, by resource (Read the Docs' current fields: tests/e2e/rtd/test_rtd_contract.py).
EXTENSIONS = {
    "project": {"homepage", "privacy_level", "single_version", "versioning_scheme", "readthedocs_yaml_path",
                "external_builds_privacy_level"},
    "project.urls": {"builds", "versions", "downloads"},
    "project._links": {"environmentvariables", "notifications", "sync_versions", "maintainers"},
    "version": {"aliases", "hidden", "privacy_level"},
    "version.urls": {"dashboard"},
    "build": {"urls", "builder"},
    "build._links": {"commands"},
    "subproject._links": {"_self"},
    "redirect": {"force", "enabled", "description", "http_status", "position"},
    "environmentvariable": {"public"},
    "buildcommand": set(),
}
# Placeholders of the seed, and which example response shows their shape.
PLACEHOLDERS = {"{PROJECT}": "project", "PROJECT": "project", "{VERSION}": "version", "VERSION": "version",
                "{BUILD}": "build", "BUILD": "build", "SUBPROJECT RELATIONSHIP": "subproject",
                "REDIRECT": "redirect", "ENVIRONMENTVARIABLE": "environmentvariable"}
# Objects whose inner keys are data, not field names (`downloads`: the formats a version published).
OPAQUE = {"config", "active_versions", "downloads"}

# Seed 001 (build commands; its `links`/`self` are spelled `_links`/`_self` as in the later seed 002).
BUILD_COMMAND = {
    "id": 9182639172, "build": 719263915, "created": "", "finished": "", "duration": 59,
    "command": "cat docs/config.py", "output": "...", "exit_code": 0,
    "_links": {"_self": "", "build": "", "version": "", "project": ""},
}
SEED_001_VERSION_EDIT = '{"active": true, "privacy_level": "public", "tags": ["python", "packaging"]}'

SHAPES: dict[str, dict] = {}


def _shape_of(name: str) -> dict:
    if not SHAPES:
        for example in examples():
            resource = _resource(example.section)
            if example.response and "count" not in example.response and resource in PLACEHOLDERS.values():
                SHAPES.setdefault(resource, example.response)
        SHAPES["buildcommand"] = BUILD_COMMAND
    return SHAPES[name]


def _placeholder_shape(name: str) -> dict:
    """A nested object as the seed names it ("{BUILD}"): its example was requested with
    `?expand=config`, and nested builds carry `config` only when that is asked for."""
    shape = _shape_of(name)
    return {k: v for k, v in shape.items() if k != "config"} if name == "build" else shape


def _resource(section: str) -> str:
    section = section.lower()
    for word, resource in (("environment", "environmentvariable"), ("redirect", "redirect"),
                           ("subproject", "subproject"), ("translation", "project"), ("build", "build"),
                           ("version", "version"), ("project", "project")):
        if word in section:
            return resource
    raise AssertionError(section)


def assert_fields(actual, seed, resource: str, key: str = "", where: str = "") -> None:
    """`actual` has every field of `seed` and nothing else but EXTENSIONS, recursively.
    `key` is the field holding this object inside its resource ("" at the resource's top)."""
    if isinstance(seed, str) and seed in PLACEHOLDERS:
        if actual is not None:  # e.g. a version that has no build yet
            assert_fields(actual, _placeholder_shape(PLACEHOLDERS[seed]), PLACEHOLDERS[seed], "", where)
        return
    if isinstance(seed, list) and seed and isinstance(seed[0], str) and seed[0] in PLACEHOLDERS:
        if where.endswith("child"):  # seed 002 writes a subproject's one child as ["PROJECT"]
            return assert_fields(actual, seed[0], resource, "", where)
        assert isinstance(actual, list), (where, actual)
        for item in actual:
            assert_fields(item, seed[0], resource, "", where + "[]")
        return
    if not isinstance(seed, dict):
        return
    assert isinstance(actual, dict), (where, actual)
    missing = set(seed) - set(actual)
    extra = set(actual) - set(seed) - EXTENSIONS.get(f"{resource}.{key}" if key else resource, set())
    assert not missing and not extra, f"{resource} {where or '<top>'}: missing {sorted(missing)}, undocumented {sorted(extra)}"
    for name, value in seed.items():
        if name not in OPAQUE and actual[name] is not None:
            assert_fields(actual[name], value, resource, name, f"{where}.{name}" if where else name)


@pytest.fixture
def pip(start_live_server):
    """A server holding the seed's world: user dstufft maintains "Pip" (slug pip) with versions
    stable, 19.0.2, 0.23 and v0.27.0, a finished build with a config and a command, a subproject
    child and a Spanish translation."""
    live = start_live_server("sqlite")
    token = live.token("dstufft")
    docsplane = live.docsplane
    repository = {"url": "https://github.com/pypa/pip", "type": "git"}
    for name, language in (("Pip", "en"), ("subproject-child-slug", "en"), ("pip-es", "es")):
        body = {"name": name, "repository": repository, "language": language, "programming_language": "py"}
        assert live.post("/api/v3/projects/", token, json=body).status_code == 201
    project = load_project(docsplane.app, "pip")
    for slug, kind in (("stable", "tag"), ("19.0.2", "tag"), ("0.23", "tag"), ("v0.27.0", "tag")):
        docsplane.app.save(Version.create(
            project_id=project.id, project_slug="pip", number=docsplane.projects.ids["version"].next(),
            slug=slug, verbose_name=slug, identifier="3a6b3995c141c0888af6591a59240ba5db7d9914", type=kind,
            active=True, actor="dstufft",
        ))
    docsplane.catch_up()
    assert live.patch("/api/v3/projects/pip-es/", token, json={"translation_of": "pip"}).status_code == 204
    build = assert_json(live.post("/api/v3/projects/pip/versions/stable/builds/", token), 201)["build"]["id"]
    builds = docsplane.builds
    builds.change_build_state("worker", build, "cloning", commit="6f808d743fd6f6907ad3e2e969c88a549e76db30")
    builds.configure_build("worker", build, lenient_json('{"version": "2", "formats": ["htmlzip"]}'))
    builds.record_command("worker", build, command="cat docs/config.py", output="...", exit_code=0)
    builds.finish_build("worker", build, success=True)
    docsplane.catch_up()
    return live, token, {"8592686": build, "719263915": build}


def _send(live, token, method: str, path: str, query: str = "", body: str | None = None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    return live.request(method, path + (f"?{query}" if query else ""), token, data=body, headers=headers)


def test_seed_002_examples(pip):
    live, token, ids = pip
    created: dict[str, int] = {}
    # Creates before reads of what they create, deletes last: the seed lists details first.
    order = {"POST": 0, "GET": 1, "PATCH": 1, "PUT": 1, "DELETE": 2}
    run = sorted(examples(), key=lambda e: order[e.method])
    assert len(run) >= 24, [e.section for e in run]  # every curl of seed 002
    for example in run:
        resource = _resource(example.section)
        path = example.path
        for number in re.findall(r"/(\d+)/", path):
            real = ids.get(number) or created.get(resource)
            assert real, (example.section, "no matching data for", number)
            path = path.replace(f"/{number}/", f"/{real}/")
        response = _send(live, token, example.method, path, example.query, example.body)
        expected_status = {"POST": 201, "GET": 200, "PATCH": 204, "PUT": 200, "DELETE": 204}[example.method]
        if example.section == "Build triggering":
            expected_status = 201
        assert response.status_code == expected_status, (example.section, example.method, path, response.status_code, response.text[:500])
        if response.status_code == 204:
            continue
        body = response.json()
        if example.section == "Build triggering":
            assert body.pop("triggered") is True  # Read the Docs' answer has it besides the seed's three
        if example.method == "POST" and resource in ("redirect", "environmentvariable"):
            created[resource] = body["pk"]
        seed = example.response or (_shape_of(_resource(example.response_ref)) if example.response_ref else _shape_of(resource))
        if "results" in seed:
            assert set(body) == {"count", "next", "previous", "results"}
            assert body["results"], (example.section, "matching data must make the list non-empty")
        assert_fields(body, seed, resource)


def test_seed_001_build_commands_and_version_edit(pip):
    live, token, ids = pip
    build = ids["719263915"]
    page = assert_json(live.get(f"/api/v3/projects/pip/builds/{build}/commands/", token), 200)
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 1
    assert_fields(page["results"][0], BUILD_COMMAND, "buildcommand")
    command = page["results"][0]
    detail = assert_json(live.get(f"/api/v3/projects/pip/builds/{build}/commands/{command['id']}/", token), 200)
    assert_fields(detail, BUILD_COMMAND, "buildcommand")
    assert (detail["command"], detail["output"], detail["exit_code"], detail["build"]) == ("cat docs/config.py", "...", 0, build)
    response = _send(live, token, "PATCH", "/api/v3/projects/pip/version/0.23/", body=SEED_001_VERSION_EDIT)
    assert response.status_code == 204, response.text
    version = assert_json(live.get("/api/v3/projects/pip/versions/0.23/", token), 200)
    assert (version["active"], version["privacy_level"]) == (True, "public")
    assert_fields(version, _shape_of("version"), "version")
