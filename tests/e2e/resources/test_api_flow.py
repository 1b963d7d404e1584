"""The seed's curl flow (seed 002) over real HTTP: projects, versions, builds."""

from __future__ import annotations

from e2e_support import SEED_PROJECT, SEED_PROJECT_PATCH, assert_error, assert_json, nothing_changes, project_body

PROJECT_FIELDS = {
    "id", "name", "slug", "created", "modified", "language", "programming_language", "repository",
    "default_version", "default_branch", "subproject_of", "translation_of", "urls", "tags", "users",
    "active_versions", "_links", "homepage", "privacy_level", "single_version", "versioning_scheme",
}
PROJECT_LINKS = {
    "_self", "versions", "builds", "subprojects", "superproject", "redirects", "translations",
    "environmentvariables", "notifications", "maintainers", "sync_versions",
}
VERSION_FIELDS = {
    "id", "slug", "verbose_name", "identifier", "ref", "built", "active", "type", "last_build",
    "downloads", "urls", "_links",
}
BUILD_FIELDS = {
    "id", "version", "project", "created", "finished", "duration", "state", "success", "error", "commit", "_links",
}



def test_api_root_links_to_projects(live_server, alice):
    body = assert_json(live_server.get("/api/v3/"), 200)
    assert body["projects"] == f"{live_server.url}/api/v3/projects/"
    assert body["_links"]["_self"] == f"{live_server.url}/api/v3/"
    listing = assert_json(live_server.get(body["projects"], alice), 200)
    assert listing == {"count": 0, "next": None, "previous": None, "results": []}


def test_import_answers_the_seed_project_detail_and_is_readable_at_once(live_server, alice):
    response = live_server.post("/api/v3/projects/", alice, json=SEED_PROJECT)
    created = assert_json(response, 201)
    self_url = f"{live_server.url}/api/v3/projects/test-project/"
    assert response.headers["Location"] == self_url

    assert PROJECT_FIELDS <= set(created), PROJECT_FIELDS - set(created)
    assert isinstance(created["id"], int)
    assert created["name"] == "Test Project"
    assert created["slug"] == "test-project"
    assert created["language"] == {"code": "es", "name": "Spanish"}
    assert created["programming_language"] == {"code": "py", "name": "Python"}
    assert created["repository"] == {"url": "https://github.com/readthedocs/template", "type": "git"}
    assert created["default_version"] == "latest"
    assert created["default_branch"] is None
    assert created["subproject_of"] is None and created["translation_of"] is None
    assert set(created["urls"]) == {"documentation", "home", "builds", "versions", "downloads"}
    assert created["urls"]["home"] == "http://template.readthedocs.io/"
    for page in ("builds", "versions", "downloads"):
        assert created["urls"][page] == f"{live_server.url}/projects/test-project/{page}/"
    assert created["tags"] == []
    assert created["users"] == [{"username": "alice"}]
    assert list(created["active_versions"]) == ["latest"]
    # An active version carries its last build only with ?expand=active_versions.last_build.
    assert VERSION_FIELDS - {"last_build"} <= set(created["active_versions"]["latest"])
    assert set(created["_links"]) == PROJECT_LINKS
    assert created["_links"]["_self"] == self_url
    for name in PROJECT_LINKS - {"_self", "sync_versions"}:
        assert created["_links"][name] == f"{self_url}{name}/"
    assert created["_links"]["sync_versions"] == f"{self_url}sync-versions/"
    for stamp in ("created", "modified"):
        assert created[stamp].endswith("Z") and "T" in created[stamp]

    # Read-your-writes: the very next requests already see it, as the 201 showed it.
    assert assert_json(live_server.get(response.headers["Location"], alice), 200) == created
    listing = assert_json(live_server.get("/api/v3/projects/", alice), 200)
    assert listing["count"] == 1 and listing["results"] == [created]
    # strict_slashes is off: without the trailing slash it is the same resource, not a redirect.
    assert assert_json(live_server.get("/api/v3/projects/test-project", alice), 200) == created


def _collect_pages(live, token, url):
    slugs, pages, previous = [], 0, None
    while url:
        page = assert_json(live.get(url, token), 200)
        assert page["previous"] == previous
        slugs += [p["slug"] for p in page["results"]]
        previous, url, pages = url, page["next"], pages + 1
        assert pages < 20, "pagination does not end"
    return slugs, pages


def test_project_list_filters_and_pagination(live_server, alice):
    bob = live_server.token("bob")
    imports = [
        ("Alpha", "es", "py", "public"), ("Beta", "es", "js", "public"), ("Gamma", "en", "py", "private"),
        ("Delta", "en", "js", "public"), ("Epsilon", "ja", "py", "private"), ("Zeta", "es", "py", "public"),
        ("Eta", "en", "words", "public"),
    ]
    for name, language, programming_language, privacy in imports:
        body = project_body(name, language=language, programming_language=programming_language, privacy_level=privacy)
        assert_json(live_server.post("/api/v3/projects/", alice, json=body), 201)
    assert_json(live_server.post("/api/v3/projects/", bob, json=project_body("Bobs", language="es")), 201)

    def slugs(query):
        page = assert_json(live_server.get(f"/api/v3/projects/?{query}&limit=100", alice), 200)
        assert page["count"] == len(page["results"])
        return sorted(p["slug"] for p in page["results"])

    assert slugs("language=es") == ["alpha", "beta", "zeta"]  # bob's project is not alice's
    assert slugs("programming_language=js") == ["beta", "delta"]
    assert slugs("privacy_level=private") == ["epsilon", "gamma"]
    assert slugs("language=en&programming_language=py") == ["gamma"]
    assert slugs("language=fr") == []

    first = assert_json(live_server.get("/api/v3/projects/?limit=3", alice), 200)
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert first["next"].startswith(f"{live_server.url}/api/v3/projects/?") and "offset=3" in first["next"]
    all_slugs, pages = _collect_pages(live_server, alice, f"{live_server.url}/api/v3/projects/?limit=3")
    assert pages == 3
    assert sorted(all_slugs) == sorted(name.lower() for name, *_ in imports)  # no duplicates, no gaps
    # Filters survive in the page links.
    page = assert_json(live_server.get("/api/v3/projects/?language=es&limit=2", alice), 200)
    assert page["count"] == 3 and "language=es" in page["next"]
    assert len(assert_json(live_server.get(page["next"], alice), 200)["results"]) == 1
    beyond = assert_json(live_server.get("/api/v3/projects/?limit=3&offset=30", alice), 200)
    assert beyond["count"] == 7 and beyond["results"] == [] and beyond["next"] is None and beyond["previous"]
    assert_error(live_server.get("/api/v3/projects/?limit=0", alice), 422, field="limit", code="invalid")
    assert_error(live_server.get("/api/v3/projects/?offset=-1", alice), 422, field="offset", code="invalid")


def test_patch_with_the_seed_body(live_server, alice, project):
    url = "/api/v3/projects/test-project/"
    project = assert_json(live_server.get(url, alice), 200)
    # The seed's body names a version the project does not have; it is rejected as a whole.
    with nothing_changes(live_server, alice, "test-project"):
        response = live_server.patch(url, alice, data=SEED_PROJECT_PATCH, headers={"Content-Type": "application/json"})
        body = assert_error(response, 422, resource="Project", field="default_version", code="missing")
        assert len(body["errors"]) == 1

    fixed = SEED_PROJECT_PATCH.replace('"v0.27.0"', '"latest"')
    response = live_server.patch(url, alice, data=fixed, headers={"Content-Type": "application/json"})
    assert response.status_code == 204, response.text
    assert response.content == b""
    after = assert_json(live_server.get(url, alice), 200)
    assert after["name"] == "New name for the project"
    assert after["slug"] == "test-project"  # a rename keeps the slug (and so every URL)
    assert after["repository"] == {"url": "https://github.com/readthedocs/readthedocs.org", "type": "git"}
    assert after["language"] == {"code": "ja", "name": "Japanese"}
    assert after["urls"]["home"] == "https://readthedocs.org/"
    assert after["default_version"] == "latest"
    assert after["default_branch"] == "develop"
    assert after["active_versions"]["latest"]["identifier"] == "develop"  # latest follows the default branch
    assert after["id"] == project["id"] and after["created"] == project["created"]

    # An unchanged PATCH is accepted and changes nothing.
    with nothing_changes(live_server, alice, "test-project"):
        assert live_server.patch(url, alice, json={"language": "ja"}).status_code == 204


def test_versions_list_detail_and_update(live_server, alice, project):
    base = "/api/v3/projects/test-project"
    listing = assert_json(live_server.get(f"{base}/versions/", alice), 200)
    assert listing["count"] == 1 and listing["next"] is None and listing["previous"] is None
    latest = listing["results"][0]
    assert VERSION_FIELDS <= set(latest), VERSION_FIELDS - set(latest)
    assert (latest["slug"], latest["verbose_name"], latest["active"], latest["built"]) == ("latest", "latest", True, False)
    assert latest["type"] == "branch" and latest["last_build"] is None
    assert set(latest["_links"]) == {"_self", "builds", "project"}
    assert latest["_links"]["_self"] == f"{live_server.url}{base}/versions/latest/"

    def count(query):
        return assert_json(live_server.get(f"{base}/versions/?{query}", alice), 200)["count"]

    assert (count("active=true"), count("active=false"), count("built=false"), count("built=true")) == (1, 0, 1, 0)

    by_plural = assert_json(live_server.get(f"{base}/versions/latest/", alice), 200)
    by_singular = assert_json(live_server.get(f"{base}/version/latest/", alice), 200)
    assert by_plural == by_singular == latest
    assert_error(live_server.get(f"{base}/versions/nope/", alice), 404)

    # The default version cannot be deactivated.
    with nothing_changes(live_server, alice, "test-project"):
        response = live_server.patch(f"{base}/version/latest/", alice, data='{"active": false,}')
        assert_error(response, 422, resource="Version", field="active", code="invalid")
        response = live_server.patch(f"{base}/versions/latest/", alice, json={"privacy_level": "secret"})
        assert_error(response, 422, field="privacy_level", code="invalid")
        assert_error(live_server.patch(f"{base}/versions/nope/", alice, json={"hidden": True}), 404)

    # The seed's own body (with its trailing comma) on the singular path.
    assert live_server.patch(f"{base}/version/latest/", alice, data='{\n    "active": true,\n}').status_code == 204
    response = live_server.patch(f"{base}/versions/latest/", alice, json={"hidden": True, "privacy_level": "private"})
    assert response.status_code == 204, response.text
    after = assert_json(live_server.get(f"{base}/versions/latest/", alice), 200)
    assert (after["hidden"], after["privacy_level"], after["active"]) == (True, "private", True)
    assert count("active=true") == 1


def test_builds_trigger_list_and_detail(live_server, alice, project):
    base = "/api/v3/projects/test-project"
    response = live_server.post(f"{base}/versions/latest/builds/", alice)
    triggered = assert_json(response, 201)
    assert set(triggered) == {"build", "project", "version", "triggered"} and triggered["triggered"] is True
    first = triggered["build"]
    assert BUILD_FIELDS <= set(first), BUILD_FIELDS - set(first)
    assert isinstance(first["id"], int)
    assert (first["project"], first["version"]) == ("test-project", "latest")
    assert first["state"] == {"code": "triggered", "name": "Triggered"}
    assert (first["success"], first["finished"], first["duration"], first["error"], first["commit"]) == (None,) * 5
    assert response.headers["Location"] == f"{live_server.url}{base}/builds/{first['id']}/"
    assert first["_links"]["_self"] == response.headers["Location"]
    assert triggered["project"]["slug"] == "test-project" and triggered["version"]["slug"] == "latest"
    assert triggered["version"]["last_build"]["id"] == first["id"]

    without_body = assert_json(live_server.post(f"{base}/builds/", alice), 201)["build"]
    with_body = assert_json(live_server.post(f"{base}/builds/", alice, json={"version": "latest"}), 201)["build"]
    assert without_body["version"] == with_body["version"] == "latest"  # no body: the default version
    ids = [first["id"], without_body["id"], with_body["id"]]
    assert all(isinstance(i, int) for i in ids) and ids == sorted(set(ids)), ids
    assert_error(live_server.post(f"{base}/builds/", alice, json={"version": "nope"}), 422,
                 resource="Build", field="version", code="missing")
    assert_error(live_server.post(f"{base}/versions/nope/builds/", alice), 404)
    assert_error(live_server.post(f"{base}/versions/nope/builds/", alice), 404)

    listing = assert_json(live_server.get(f"{base}/builds/", alice), 200)
    assert listing["count"] == 3 and [b["id"] for b in listing["results"]] == ids[::-1]  # newest first
    assert assert_json(live_server.get(f"{base}/builds/?running=true", alice), 200)["count"] == 3

    # A build worker reports progress (no HTTP endpoint for that): commit and running filters.
    builds = live_server.docsplane.builds
    written = builds.change_build_state("worker", ids[0], "cloning", commit="6f808d743fd6f6907ad3e2e969c88a549e76db30")
    assert live_server.docsplane.consistency.wait(written.recordings, 5)
    written = builds.finish_build("worker", ids[1], success=True)
    assert live_server.docsplane.consistency.wait(written.recordings, 5)

    def build_ids(query, path="builds/"):
        page = assert_json(live_server.get(f"{base}/{path}?{query}", alice), 200)
        if "limit=" not in query:
            assert page["count"] == len(page["results"])
        return [b["id"] for b in page["results"]]

    assert build_ids("commit=6f808d743fd6f6907ad3e2e969c88a549e76db30") == [ids[0]]
    assert build_ids("commit=deadbeef") == []
    assert build_ids("running=true") == [ids[2], ids[0]]
    assert build_ids("running=false") == [ids[1]]
    assert build_ids("limit=1&offset=1") == [ids[1]]

    detail = assert_json(live_server.get(f"{base}/builds/{ids[0]}/", alice), 200)
    assert detail["id"] == ids[0] and detail["commit"] == "6f808d743fd6f6907ad3e2e969c88a549e76db30"
    assert detail["state"] == {"code": "cloning", "name": "Cloning"}
    finished = assert_json(live_server.get(f"{base}/builds/{ids[1]}/", alice), 200)
    assert finished["success"] is True and finished["state"]["code"] == "finished"
    assert isinstance(finished["duration"], int) and finished["finished"]
    assert assert_json(live_server.get(f"{base}/builds/latest/", alice), 200)["id"] == ids[2]
    assert_error(live_server.get(f"{base}/builds/999999/", alice), 404)

    assert build_ids("", "versions/latest/builds/") == ids[::-1]
    assert build_ids("", "version/latest/builds/") == ids[::-1]
    version = assert_json(live_server.get(f"{base}/versions/latest/", alice), 200)
    assert version["built"] is True and version["last_build"]["id"] in ids
