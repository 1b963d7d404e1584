"""Subprojects, superproject, translations, maintainers, project DELETE, the new project fields and
list filters, over real HTTP."""

from __future__ import annotations

from urllib.parse import quote

from e2e_support import assert_error, assert_json, project_body
from racing import simultaneously

PROJECTS = "/api/v3/projects/"




def imported(live, token, name, **overrides) -> dict:
    return assert_json(live.post(PROJECTS, token, json=project_body(name, **overrides)), 201)


def delete(live, path, token):
    return live.request("DELETE", path, token)


# -- subprojects -------------------------------------------------------------------------------

def test_subproject_lifecycle(live_server, alice, bob):
    imported(live_server, alice, "Pip")
    child = imported(live_server, alice, "Pip Child")
    base = f"{live_server.url}/api/v3/projects/pip/"

    response = live_server.post("/api/v3/projects/pip/subprojects/", alice, json={"child": "pip-child", "alias": "child-docs"})
    created = assert_json(response, 201)
    assert response.headers["Location"] == f"{base}subprojects/child-docs/"
    assert set(created) == {"alias", "child", "_links"}
    assert created["alias"] == "child-docs"
    assert created["_links"] == {"_self": f"{base}subprojects/child-docs/", "parent": base}
    assert created["child"]["slug"] == "pip-child" and created["child"]["id"] == child["id"]
    assert created["child"]["subproject_of"] == "pip"

    assert assert_json(live_server.get(created["_links"]["_self"], bob), 200) == created
    listing = assert_json(live_server.get("/api/v3/projects/pip/subprojects/", bob), 200)
    assert listing == {"count": 1, "next": None, "previous": None, "results": [created]}
    assert assert_json(live_server.get("/api/v3/projects/pip-child/", bob), 200)["subproject_of"] == "pip"
    superproject = assert_json(live_server.get("/api/v3/projects/pip-child/superproject/", bob), 200)
    assert superproject == assert_json(live_server.get("/api/v3/projects/pip/", bob), 200)
    assert_error(live_server.get("/api/v3/projects/pip/superproject/", alice), 404)

    assert_error(delete(live_server, "/api/v3/projects/pip/subprojects/child-docs/", bob), 403)
    assert delete(live_server, "/api/v3/projects/pip/subprojects/child-docs/", alice).status_code == 204
    assert_error(live_server.get("/api/v3/projects/pip/subprojects/child-docs/", alice), 404)
    assert_error(delete(live_server, "/api/v3/projects/pip/subprojects/child-docs/", alice), 404)
    assert assert_json(live_server.get("/api/v3/projects/pip-child/", alice), 200)["subproject_of"] is None
    assert_error(live_server.get("/api/v3/projects/pip-child/superproject/", alice), 404)


def test_the_alias_defaults_to_the_childs_slug(live_server, alice):
    imported(live_server, alice, "Pip")
    imported(live_server, alice, "Pip Child")
    created = assert_json(live_server.post("/api/v3/projects/pip/subprojects/", alice, json={"child": "pip-child"}), 201)
    assert created["alias"] == "pip-child"


def test_subproject_errors(live_server, alice, bob):
    for name in ("Pip", "Child", "Grandchild"):
        imported(live_server, alice, name)
    imported(live_server, bob, "Bobs")
    imported(live_server, bob, "Bobs Secret", privacy_level="private")
    path = "/api/v3/projects/pip/subprojects/"

    def refused(body, field, code, token=alice, path=path):
        assert_error(live_server.post(path, token, json=body), 422, resource="Subproject", field=field, code=code)

    refused({}, "child", "missing_field")
    refused({"child": "nothing"}, "child", "missing")
    refused({"child": "bobs-secret"}, "child", "missing")  # another's private project does not exist
    refused({"child": "bobs"}, "child", "invalid")  # not alice's
    refused({"child": "pip"}, "child", "invalid")
    refused({"child": "child", "alias": "Not An Alias"}, "alias", "invalid")
    assert_error(live_server.post(path, bob, json={"child": "bobs"}), 403)
    assert_error(live_server.post("/api/v3/projects/bobs-secret/subprojects/", alice, json={"child": "child"}), 404)
    assert_error(live_server.get("/api/v3/projects/bobs-secret/subprojects/", alice), 404)

    assert_json(live_server.post(path, alice, json={"child": "child", "alias": "docs"}), 201)
    refused({"child": "grandchild", "alias": "docs"}, "alias", "already_exists")
    refused({"child": "child", "alias": "again"}, "child", "already_exists")
    refused({"child": "grandchild"}, "child", "invalid", path="/api/v3/projects/child/subprojects/")
    refused({"child": "pip"}, "child", "invalid", path="/api/v3/projects/grandchild/subprojects/")
    assert assert_json(live_server.get(path, alice), 200)["count"] == 1


def test_private_children_are_hidden_from_others(live_server, alice, bob):
    imported(live_server, alice, "Pip")
    imported(live_server, alice, "Secret Child", privacy_level="private")
    assert_json(live_server.post("/api/v3/projects/pip/subprojects/", alice, json={"child": "secret-child"}), 201)
    assert assert_json(live_server.get("/api/v3/projects/pip/subprojects/", alice), 200)["count"] == 1
    assert assert_json(live_server.get("/api/v3/projects/pip/subprojects/", bob), 200)["count"] == 0
    assert_error(live_server.get("/api/v3/projects/pip/subprojects/secret-child/", bob), 404)
    assert_error(live_server.get("/api/v3/projects/secret-child/superproject/", bob), 404)


def test_simultaneous_links_of_one_child_to_two_parents(live_server, alice):
    """Exactly one parent gets the child; the other answers 422 already_exists."""
    for round_ in range(3):
        parents = [imported(live_server, alice, f"Parent {round_} {i}")["slug"] for i in range(2)]
        child = imported(live_server, alice, f"Child {round_}")["slug"]
        responses = simultaneously(
            2, lambda i: live_server.post(f"/api/v3/projects/{parents[i]}/subprojects/", alice, json={"child": child})
        )
        assert sorted(r.status_code for r in responses) == [201, 422], [r.text for r in responses]
        winner = next(i for i, r in enumerate(responses) if r.status_code == 201)
        assert_error(responses[1 - winner], 422, resource="Subproject", field="child", code="already_exists")
        assert assert_json(live_server.get(f"/api/v3/projects/{child}/", alice), 200)["subproject_of"] == parents[winner]
        counts = [assert_json(live_server.get(f"/api/v3/projects/{p}/subprojects/", alice), 200)["count"] for p in parents]
        assert counts == [int(i == winner) for i in range(2)]


# -- translations ------------------------------------------------------------------------------

def test_translations(live_server, alice, bob):
    imported(live_server, alice, "Pip", language="en")
    imported(live_server, alice, "Pip Es", language="es")
    imported(live_server, alice, "Pip De", language="de")
    for slug in ("pip-es", "pip-de"):
        assert live_server.patch(f"/api/v3/projects/{slug}/", alice, json={"translation_of": "pip"}).status_code == 204
    es = assert_json(live_server.get("/api/v3/projects/pip-es/", bob), 200)
    assert es["translation_of"] == "pip"
    listing = assert_json(live_server.get("/api/v3/projects/pip/translations/", bob), 200)
    assert [p["slug"] for p in listing["results"]] == ["pip-es", "pip-de"]
    assert listing["results"][0] == es
    assert assert_json(live_server.get("/api/v3/projects/pip-es/translations/", bob), 200)["count"] == 0

    assert live_server.patch("/api/v3/projects/pip-es/", alice, json={"translation_of": None}).status_code == 204
    assert assert_json(live_server.get("/api/v3/projects/pip-es/", alice), 200)["translation_of"] is None
    assert [p["slug"] for p in assert_json(live_server.get("/api/v3/projects/pip/translations/", alice), 200)["results"]] == ["pip-de"]


def test_translation_errors(live_server, alice, bob):
    imported(live_server, alice, "Pip", language="en")
    imported(live_server, alice, "Pip Es", language="es")
    imported(live_server, alice, "Pip Es Two", language="es")
    imported(live_server, bob, "Bobs Secret", privacy_level="private", language="it")

    def refused(slug, body, field, code="invalid"):
        response = live_server.patch(f"/api/v3/projects/{slug}/", alice, json=body)
        assert_error(response, 422, resource="Project", field=field, code=code)

    refused("pip-es", {"translation_of": "nothing"}, "translation_of", "missing")
    refused("pip-es", {"translation_of": "bobs-secret"}, "translation_of", "missing")
    refused("pip-es", {"translation_of": "pip-es"}, "translation_of")
    refused("pip-es", {"translation_of": "pip", "language": "en"}, "translation_of")  # same language as the original
    assert live_server.patch("/api/v3/projects/pip-es/", alice, json={"translation_of": "pip"}).status_code == 204
    refused("pip-es-two", {"translation_of": "pip"}, "translation_of")  # a sibling is already 'es'
    refused("pip-es-two", {"translation_of": "pip-es"}, "translation_of")  # no chains
    refused("pip", {"translation_of": "pip-es-two"}, "translation_of")  # it has translations
    refused("pip-es", {"language": "en"}, "language")
    refused("pip", {"language": "es"}, "language")
    refused("pip", {"versioning_scheme": "single_version_without_translations"}, "versioning_scheme")
    assert_error(live_server.patch("/api/v3/projects/pip-es-two/", bob, json={"translation_of": "pip"}), 403)
    assert assert_json(live_server.get("/api/v3/projects/pip-es-two/", alice), 200)["translation_of"] is None


# -- maintainers -------------------------------------------------------------------------------

def test_maintainers(live_server, alice, bob):
    carol = live_server.token("carol")
    imported(live_server, alice, "Pip")
    path = "/api/v3/projects/pip/maintainers/"
    base = f"{live_server.url}/api/v3/projects/pip/"
    listing = assert_json(live_server.get(path, bob), 200)
    assert listing["count"] == 1
    assert listing["results"] == [{"username": "alice", "_links": {"_self": f"{base}maintainers/alice/", "project": base}}]

    response = live_server.post(path, alice, json={"username": "bob"})
    added = assert_json(response, 201)
    assert response.headers["Location"] == f"{base}maintainers/bob/"
    assert added["username"] == "bob"
    assert assert_json(live_server.get(response.headers["Location"], carol), 200) == added
    assert [u["username"] for u in assert_json(live_server.get(path, alice), 200)["results"]] == ["alice", "bob"]
    assert assert_json(live_server.get("/api/v3/projects/pip/", carol), 200)["users"] == [{"username": "alice"}, {"username": "bob"}]
    assert [p["slug"] for p in assert_json(live_server.get(PROJECTS, bob), 200)["results"]] == ["pip"]

    assert_error(live_server.post(path, alice, json={"username": "nobody"}), 422, resource="Maintainer", field="username", code="missing")
    assert_error(live_server.post(path, alice, json={"username": "bob"}), 422, resource="Maintainer", field="username", code="already_exists")
    assert_error(live_server.post(path, alice, json={}), 422, field="username", code="missing_field")
    assert_error(live_server.post(path, carol, json={"username": "carol"}), 403)
    assert_error(delete(live_server, f"{path}alice/", carol), 403)
    assert_error(delete(live_server, f"{path}carol/", alice), 404)
    assert_error(live_server.get(f"{path}carol/", alice), 404)

    assert delete(live_server, f"{path}alice/", bob).status_code == 204  # bob removes alice
    assert assert_json(live_server.get(PROJECTS, alice), 200)["count"] == 0
    last = delete(live_server, f"{path}bob/", bob)
    body = assert_error(last, 422, resource="Maintainer", field="username", code="invalid")
    assert "only maintainer" in body["errors"][0]["message"]
    assert [u["username"] for u in assert_json(live_server.get(path, bob), 200)["results"]] == ["bob"]


def test_maintainers_of_a_private_project_are_private(live_server, alice, bob):
    imported(live_server, alice, "Secret", privacy_level="private")
    assert_error(live_server.get("/api/v3/projects/secret/maintainers/", bob), 404)
    assert_error(live_server.post("/api/v3/projects/secret/maintainers/", bob, json={"username": "bob"}), 404)
    assert_json(live_server.post("/api/v3/projects/secret/maintainers/", alice, json={"username": "bob"}), 201)
    assert assert_json(live_server.get("/api/v3/projects/secret/", bob), 200)["privacy_level"] == "private"


# -- delete ------------------------------------------------------------------------------------

def test_delete_then_import_the_same_name_again(live_server, alice, bob):
    first = imported(live_server, alice, "Pip", language="en")
    imported(live_server, alice, "Pip Child")
    imported(live_server, alice, "Pip Es", language="es")
    assert_json(live_server.post("/api/v3/projects/pip/subprojects/", alice, json={"child": "pip-child"}), 201)
    assert live_server.patch("/api/v3/projects/pip-es/", alice, json={"translation_of": "pip"}).status_code == 204
    assert_json(live_server.post("/api/v3/projects/pip/builds/", alice), 201)

    assert_error(delete(live_server, "/api/v3/projects/pip/", bob), 403)
    response = delete(live_server, "/api/v3/projects/pip/", alice)
    assert response.status_code == 204 and response.content == b""
    for path in ("", "versions/", "builds/", "subprojects/", "translations/", "maintainers/"):
        assert_error(live_server.get(f"/api/v3/projects/pip/{path}", alice), 404)
    assert_error(delete(live_server, "/api/v3/projects/pip/", alice), 404)
    assert sorted(p["slug"] for p in assert_json(live_server.get(PROJECTS, alice), 200)["results"]) == ["pip-child", "pip-es"]
    assert assert_json(live_server.get("/api/v3/projects/pip-child/", alice), 200)["subproject_of"] is None
    assert assert_json(live_server.get("/api/v3/projects/pip-es/", alice), 200)["translation_of"] is None

    again = imported(live_server, bob, "Pip")
    assert again["id"] != first["id"]
    assert again["users"] == [{"username": "bob"}] and list(again["active_versions"]) == ["latest"]
    assert assert_json(live_server.get("/api/v3/projects/pip/builds/", bob), 200)["count"] == 0
    assert assert_json(live_server.get("/api/v3/projects/pip/subprojects/", bob), 200)["count"] == 0


def test_a_private_project_cannot_be_deleted_by_others(live_server, alice, bob):
    imported(live_server, alice, "Secret", privacy_level="private")
    assert_error(delete(live_server, "/api/v3/projects/secret/", bob), 404)
    assert_json(live_server.get("/api/v3/projects/secret/", alice), 200)


# -- fields and filters ------------------------------------------------------------------------

def test_versioning_fields_on_import_and_patch(live_server, alice):
    created = imported(live_server, alice, "Pip", versioning_scheme="single_version_without_translations")
    assert (created["versioning_scheme"], created["single_version"]) == ("single_version_without_translations", True)
    assert (created["privacy_level"], created["homepage"]) == ("public", "http://template.readthedocs.io/")
    default = imported(live_server, alice, "Other")
    assert (default["versioning_scheme"], default["single_version"]) == ("multiple_versions_with_translations", False)

    assert live_server.patch("/api/v3/projects/pip/", alice, json={"single_version": False}).status_code == 204
    after = assert_json(live_server.get("/api/v3/projects/pip/", alice), 200)
    assert (after["versioning_scheme"], after["single_version"]) == ("multiple_versions_with_translations", False)
    assert live_server.patch("/api/v3/projects/pip/", alice, json={"versioning_scheme": "multiple_versions_without_translations"}).status_code == 204
    assert assert_json(live_server.get("/api/v3/projects/pip/", alice), 200)["versioning_scheme"] == "multiple_versions_without_translations"

    for body, field in (({"versioning_scheme": "sometimes"}, "versioning_scheme"),
                        ({"versioning_scheme": "single_version_without_translations", "single_version": False}, "single_version")):
        assert_error(live_server.patch("/api/v3/projects/pip/", alice, json=body), 422, resource="Project", field=field, code="invalid")
        assert_error(live_server.post(PROJECTS, alice, json=project_body("New", **body)), 422, resource="Project", field=field, code="invalid")
    assert_error(live_server.get("/api/v3/projects/new/", alice), 404)


def test_project_list_filters(live_server, alice):
    for name in ("Alpha Docs", "Beta Guide", "Gamma Docs"):
        imported(live_server, alice, name)

    def slugs(query):
        return sorted(p["slug"] for p in assert_json(live_server.get(f"{PROJECTS}?{query}", alice), 200)["results"])

    assert slugs("name=DOCS") == ["alpha-docs", "gamma-docs"]
    assert slugs("slug=beta") == ["beta-guide"]
    assert slugs("name=docs&slug=alp") == ["alpha-docs"]
    assert slugs("name=nothing") == []
    # The answer shows times to the second; all three may share one, so take beta's exact time.
    created = quote(live_server.docsplane.read_model.project("beta-guide", "alice")["created"])
    assert slugs(f"created__gte={created}") == ["beta-guide", "gamma-docs"]
    assert slugs(f"created__lte={created}") == ["alpha-docs", "beta-guide"]
    assert slugs("created__gte=2000-01-01") == ["alpha-docs", "beta-guide", "gamma-docs"]
    assert slugs("created__lte=2000-01-01T00:00:00%2B05:00") == []
    for query, field in (("created__gte=yesterday", "created__gte"), ("created__lte=2024-13-45", "created__lte")):
        assert_error(live_server.get(f"{PROJECTS}?{query}", alice), 422, resource="Project", field=field, code="invalid")
