"""?fields= and ?omit= (seed 002: "Specify which fields are going to be returned / omitted") over
real HTTP, on details, on lists (within `results`), on writes, and on every GET route of the API."""

from __future__ import annotations

import re

import pytest
from e2e_support import SEED_PROJECT, assert_error, assert_json, nothing_changes, project_body

PROJECTS = "/api/v3/projects/"
PROJECT = "/api/v3/projects/test-project/"


@pytest.fixture
def live(start_live_server):
    """The selection is done by the API layer alone: one storage backend is enough."""
    return start_live_server("sqlite")


@pytest.fixture
def alice(live):
    return live.token("alice")


@pytest.fixture
def project(live, alice):
    return assert_json(live.post(PROJECTS, alice, json=SEED_PROJECT), 201)


def test_fields_keeps_only_the_named_fields_of_a_detail(live, alice, project):
    assert assert_json(live.get(f"{PROJECT}?fields=name,slug", alice), 200) == {"name": "Test Project", "slug": "test-project"}
    # Dotted names select within nested objects; a whole field wins over its nested names.
    body = assert_json(live.get(f"{PROJECT}?fields=slug,language.code,repository,repository.type", alice), 200)
    assert body == {"slug": "test-project", "language": {"code": "es"}, "repository": project["repository"]}
    # Repeated parameters add up, spaces around names are ignored.
    body = assert_json(live.get(f"{PROJECT}?fields=name&fields= _links ", alice), 200)
    assert body == {"name": "Test Project", "_links": project["_links"]}


def test_omit_leaves_out_the_named_fields(live, alice, project):
    body = assert_json(live.get(f"{PROJECT}?omit=_links,users,language.name", alice), 200)
    expected = {key: value for key, value in project.items() if key not in ("_links", "users")}
    expected["language"] = {"code": "es"}
    assert body == expected
    body = assert_json(live.get(f"{PROJECT}?fields=slug,language&omit=language.code", alice), 200)
    assert body == {"slug": "test-project", "language": {"name": "Spanish"}}


def test_a_list_keeps_its_envelope_and_selects_within_each_result(live, alice, project):
    assert_json(live.post(PROJECTS, alice, json=project_body("Second")), 201)
    body = assert_json(live.get(f"{PROJECTS}?fields=slug&limit=1", alice), 200)
    assert body["count"] == 2 and body["previous"] is None
    assert body["next"].startswith(f"{live.url}{PROJECTS}?") and "fields=slug" in body["next"]
    assert len(body["results"]) == 1 and set(body["results"][0]) == {"slug"}
    following = assert_json(live.get(body["next"], alice), 200)
    assert [set(item) for item in following["results"]] == [{"slug"}]
    assert {body["results"][0]["slug"], following["results"][0]["slug"]} == {"test-project", "second"}
    # Lists of objects: a dotted name selects within each element.
    body = assert_json(live.get(f"{PROJECTS}?fields=users.username", alice), 200)
    assert [item["users"] for item in body["results"]] == [[{"username": "alice"}]] * 2


def test_builds_list_and_trigger_answer(live, alice, project):
    triggered = assert_json(live.post(f"{PROJECT}builds/?fields=build.id,project.slug", alice), 201)
    assert set(triggered) == {"build", "project"}
    assert set(triggered["build"]) == {"id"} and triggered["project"] == {"slug": "test-project"}
    body = assert_json(live.get(f"{PROJECT}builds/?fields=id,state.code", alice), 200)
    assert body["results"] == [{"id": triggered["build"]["id"], "state": {"code": body["results"][0]["state"]["code"]}}]


@pytest.mark.parametrize("query, field, message", [
    ("fields=name,nope", "fields", "unknown field 'nope'; known: "),
    ("omit=nope", "omit", "unknown field 'nope'; known: "),
    ("fields=language.nope", "fields", "unknown field 'language.nope'; known: language.code, language.name"),
    ("fields=name.first", "fields", "unknown field 'name.first'; 'name' has no nested fields"),
])
def test_unknown_names_are_422_listing_the_known_ones(live, alice, project, query, field, message):
    for path in (PROJECT, PROJECTS):
        body = assert_error(live.get(f"{path}?{query}", alice), 422, resource="Project", field=field, code="invalid")
        assert body["errors"][0]["message"].startswith(message), body
        if message.endswith("known: "):
            assert "slug" in body["errors"][0]["message"].split("known: ")[1].split(", ")


def test_names_are_checked_against_the_schema_even_for_an_empty_list(live, alice):
    assert assert_json(live.get(f"{PROJECTS}?fields=slug", alice), 200)["results"] == []
    assert_error(live.get(f"{PROJECTS}?fields=slugg", alice), 422, field="fields", code="invalid")


def test_a_write_with_an_unknown_name_changes_nothing(live, alice, project):
    with nothing_changes(live, alice, "test-project"):
        response = live.post(f"{PROJECTS}?fields=nope", alice, json=project_body("Other"))
        assert_error(response, 422, resource="Project", field="fields", code="invalid")
        assert_error(live.post(f"{PROJECT}builds/?omit=build.nope", alice), 422, field="omit", code="invalid")
    created = live.post(f"{PROJECTS}?fields=slug,_links._self", alice, json=project_body("Other"))
    assert assert_json(created, 201) == {"slug": "other", "_links": {"_self": created.headers["Location"]}}


def test_authentication_comes_first(live, alice, project):
    assert_error(live.get(f"{PROJECTS}?fields=nope"), 401)


def test_every_get_route_selects_and_checks_its_fields(live, alice, project):
    """Generic: whatever routes exist, each GET with a JSON body honours ?fields= and rejects unknown names."""
    build_id = assert_json(live.post(f"{PROJECT}builds/", alice), 201)["build"]["id"]
    values = {"project_slug": "test-project", "version_slug": "latest", "build_id": str(build_id)}
    spec = assert_json(live.get("/api/v3/openapi.json"), 200)
    checked = []
    for template, operations in spec["paths"].items():
        get = operations.get("get")
        names = re.findall(r"{(\w+)}", template)
        if get is None or not _json_schema(get) or not set(names) <= set(values):
            continue
        path = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], template)
        assert_error(live.get(f"{path}?fields=no_such_field", alice), 422, field="fields", code="invalid")
        response = live.get(path, alice)
        if response.status_code != 200:  # e.g. no superproject: nothing to select from
            continue
        full = response.json()
        items = full["results"] if {"count", "results"} <= set(full) else [full]
        if not items or not items[0]:
            continue
        name = sorted(items[0])[0]
        selected = assert_json(live.get(f"{path}?fields={name}", alice), 200)
        selected_items = selected["results"] if {"count", "results"} <= set(full) else [selected]
        assert all(set(item) <= {name} for item in selected_items), (path, name, selected)
        checked.append(path)
    assert {PROJECTS, PROJECT, f"{PROJECT}builds/", f"{PROJECT}versions/latest/"} <= set(checked), checked


def _json_schema(operation: dict) -> bool:
    return any(code.startswith("2") and "content" in response for code, response in operation["responses"].items())
