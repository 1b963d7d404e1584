"""`?expand=` on projects, versions and builds (seed 002), and the flyout menu as JSON (seed 000,
Version 4), which documentation pages fetch without a token."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from docs_support import publish
from e2e_support import add_version, assert_error, assert_json, project_body

BASE = "/api/v3/projects/pip"
CONFIG = {"version": "2", "formats": ["htmlzip", "epub", "pdf"], "sphinx": {"configuration": "docs/conf.py"}}




def wait(live, written) -> None:
    assert live.docsplane.consistency.wait(written.recordings, 10)


@pytest.fixture
def built(live_server, alice):
    """Pip, whose `latest` has a configured build; returns the build's id."""
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Pip", language="en")), 201)
    number = assert_json(live_server.post(f"{BASE}/versions/latest/builds/", alice), 201)["build"]["id"]
    wait(live_server, live_server.docsplane.builds.configure_build("worker", number, CONFIG))
    return number


# -- expand ---------------------------------------------------------------------------------------

def test_project_expand_reaches_into_active_versions(live_server, alice, built):
    def latest(query=""):
        project = assert_json(live_server.get(f"{BASE}/?{query}", alice), 200)
        assert "permissions" not in project
        return project["active_versions"]["latest"]

    assert "last_build" not in latest()  # active versions are shown; their builds only on request
    assert latest("expand=active_versions") == latest()
    build = latest("expand=active_versions.last_build")["last_build"]
    assert build["id"] == built and "config" not in build
    assert latest("expand=active_versions.last_build.config")["last_build"]["config"] == CONFIG
    assert latest("expand=%20active_versions.last_build.config%20,")["last_build"]["config"] == CONFIG

    page = assert_json(live_server.get("/api/v3/projects/?expand=active_versions.last_build.config", alice), 200)
    assert page["results"][0]["active_versions"]["latest"]["last_build"]["config"] == CONFIG
    listed = assert_json(live_server.get("/api/v3/projects/", alice), 200)["results"][0]["active_versions"]["latest"]
    assert "last_build" not in listed


def test_project_expand_permissions_tells_whether_the_caller_administers_it(live_server, alice, bob, built):
    mine = assert_json(live_server.get(f"{BASE}/?expand=permissions", alice), 200)
    assert mine["permissions"] == {"admin": True}
    theirs = assert_json(live_server.get(f"{BASE}/?expand=permissions,active_versions.last_build", bob), 200)
    assert theirs["permissions"] == {"admin": False}
    assert theirs["active_versions"]["latest"]["last_build"]["id"] == built


def test_version_expand_adds_the_last_builds_config(live_server, alice, built):
    for path in (f"{BASE}/versions/latest/", f"{BASE}/version/latest/"):
        version = assert_json(live_server.get(path, alice), 200)
        assert version["last_build"]["id"] == built and "config" not in version["last_build"]
        assert "config" not in assert_json(live_server.get(f"{path}?expand=last_build", alice), 200)["last_build"]
        assert assert_json(live_server.get(f"{path}?expand=last_build.config", alice), 200)["last_build"]["config"] == CONFIG
    page = assert_json(live_server.get(f"{BASE}/versions/?expand=last_build.config&active=true", alice), 200)
    assert page["results"][0]["last_build"]["config"] == CONFIG


def test_build_expand_config(live_server, alice, built):
    for path in (f"{BASE}/builds/{built}/", f"{BASE}/builds/latest/"):
        assert "config" not in assert_json(live_server.get(path, alice), 200)
        assert assert_json(live_server.get(f"{path}?expand=config", alice), 200)["config"] == CONFIG
    for path in (f"{BASE}/builds/", f"{BASE}/versions/latest/builds/"):
        [build] = assert_json(live_server.get(f"{path}?expand=config", alice), 200)["results"]
        assert build["config"] == CONFIG
    unconfigured = assert_json(live_server.post(f"{BASE}/builds/", alice), 201)["build"]["id"]
    assert assert_json(live_server.get(f"{BASE}/builds/{unconfigured}/?expand=config", alice), 200)["config"] is None


@pytest.mark.parametrize(
    ("path", "expand", "resource"),
    [
        ("/api/v3/projects/pip/", "last_build", "Project"),
        ("/api/v3/projects/pip/", "active_versions.config", "Project"),
        ("/api/v3/projects/", "permissions,nope", "Project"),
        ("/api/v3/projects/pip/versions/latest/", "config", "Version"),
        ("/api/v3/projects/pip/versions/", "active_versions", "Version"),
        ("/api/v3/projects/pip/builds/latest/", "last_build.config", "Build"),
        ("/api/v3/projects/pip/builds/", "CONFIG", "Build"),
    ],
)
def test_unknown_expand_values_are_422(live_server, alice, built, path, expand, resource):
    body = assert_error(live_server.get(f"{path}?expand={expand}", alice), 422, resource=resource, field="expand", code="invalid")
    assert len(body["errors"]) == 1


# -- the flyout menu ------------------------------------------------------------------------------

@pytest.fixture
def docs(live_server, alice):
    """Pip with versions, a hidden and a private one, one not built, a Spanish translation and a subproject."""
    for name, language in (("Pip", "en"), ("Pip ES", "es"), ("Plugin", "en")):
        assert_json(live_server.post("/api/v3/projects/", alice, json=project_body(name, language=language)), 201)
    for slug in ("19.0", "18.0", "old", "draft"):
        add_version(live_server, "pip", slug, active=slug != "draft", verbose_name=f"Version {slug}")
    add_version(live_server, "pip-es", "19.0")
    add_version(live_server, "pip", "17.0", verbose_name="Version 17.0")  # active, never built: not in the menu
    for project, version in (("pip", "latest"), ("pip", "19.0"), ("pip", "18.0"), ("pip", "old"), ("pip-es", "19.0")):
        publish(live_server, project, version, {"html/index.html": f"{project} {version}"})
    for path, body in (("versions/old/", {"hidden": True}), ("versions/18.0/", {"privacy_level": "private"})):
        assert live_server.patch(f"{BASE}/{path}", alice, json=body).status_code == 204
    assert live_server.patch("/api/v3/projects/pip-es/", alice, json={"translation_of": "pip"}).status_code == 204
    wait(live_server, live_server.docsplane.subprojects.add_subproject("alice", "pip", "plugin", "plugins"))
    return live_server


def test_the_flyout_of_a_public_project_needs_no_token(docs):
    menu = assert_json(docs.get(f"{BASE}/versions/19.0/flyout/"), 200)
    docs_url = ("http://{}.docs.localhost:%d/{}/{}/" % urlsplit(docs.url).port).format  # the API's port: served there too
    assert menu["project"] == {
        "slug": "pip", "name": "Pip", "language": {"code": "en", "name": "English"},
        "urls": {"documentation": docs_url("pip", "en", "latest")},
    }
    assert menu["version"] == {"slug": "19.0", "verbose_name": "Version 19.0", "urls": {"documentation": docs_url("pip", "en", "19.0")}}
    assert menu["versions"] == [  # active and not hidden; the private one only for maintainers
        {"slug": "latest", "verbose_name": "latest", "urls": {"documentation": docs_url("pip", "en", "latest")}},
        {"slug": "19.0", "verbose_name": "Version 19.0", "urls": {"documentation": docs_url("pip", "en", "19.0")}},
    ]
    assert menu["downloads"] == {}  # nothing built: no formats to download, as on Read the Docs
    assert menu["translations"] == [
        {"slug": "pip-es", "language": {"code": "es", "name": "Spanish"}, "urls": {"documentation": docs_url("pip-es", "es", "19.0")}},
    ]
    assert menu["subprojects"] == [{"alias": "plugins", "slug": "plugin", "urls": {"documentation": docs_url("plugin", "en", "latest")}}]
    assert menu["_links"] == {
        "_self": f"{docs.url}{BASE}/versions/19.0/flyout/",
        "project": f"{docs.url}{BASE}/",
        "version": f"{docs.url}{BASE}/versions/19.0/",
    }
    # A translation without the version links to its default one; a hidden version still has a menu.
    latest = assert_json(docs.get(f"{BASE}/versions/old/flyout/"), 200)
    assert latest["translations"][0]["urls"]["documentation"] == docs_url("pip-es", "es", "latest")
    assert "old" not in [v["slug"] for v in latest["versions"]]


def test_the_flyout_shows_maintainers_what_is_private(docs, alice, bob):
    assert [v["slug"] for v in assert_json(docs.get(f"{BASE}/versions/18.0/flyout/", alice), 200)["versions"]] == [
        "latest", "19.0", "18.0",
    ]
    assert_error(docs.get(f"{BASE}/versions/18.0/flyout/"), 404)
    assert_error(docs.get(f"{BASE}/versions/18.0/flyout/", bob), 404)
    assert assert_json(docs.get(f"{BASE}/versions/19.0/flyout/", bob), 200) == assert_json(docs.get(f"{BASE}/versions/19.0/flyout/"), 200)


def test_the_flyout_of_a_private_project_is_404_without_a_maintainers_token(live_server, alice, bob):
    body = project_body("Secret", privacy_level="private")
    assert_json(live_server.post("/api/v3/projects/", alice, json=body), 201)
    url = "/api/v3/projects/secret/versions/latest/flyout/"
    assert_error(live_server.get(url), 404)
    assert_error(live_server.get(url, bob), 404)
    assert assert_json(live_server.get(url, alice), 200)["project"]["slug"] == "secret"
    assert_error(live_server.get(url, "not-a-token"), 401)  # a token, if sent, must be valid


def test_the_flyout_of_missing_or_inactive_versions_is_404(docs):
    for path in (f"{BASE}/versions/draft/flyout/", f"{BASE}/versions/nope/flyout/", "/api/v3/projects/nope/versions/latest/flyout/"):
        assert_error(docs.get(path), 404)
    assert_error(docs.post(f"{BASE}/versions/19.0/flyout/"), 405)
