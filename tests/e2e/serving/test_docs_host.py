"""The docs host over real HTTP (SQLite and PostgreSQL): each version's own pages at Read the Docs' URLs,
redirects, private versions, downloads, 404 pages and hostile paths; and the dashboard pages the API's
`urls` point to."""

from __future__ import annotations

import pytest
import requests

from docs_support import docs_get, get_url, publish, raw_get
from e2e_support import add_version

SECRET = "top-secret-key-material"


def page(title: str) -> str:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"


@pytest.fixture
def docs(live_server, alice, project):
    """test-project (Spanish) with `latest` and tag `v1` published, each with its own content."""
    add_version(live_server, project, "v1")
    latest = publish(live_server, project, "latest", {
        "html/index.html": page("latest home"), "html/guide.html": page("latest guide"),
        "html/dir/index.html": page("latest dir"), "html/404.html": page("our own 404"),
        "html/_static/app.js": "console.log(1)", "html/_static/style.css": "h1{}", "html/café menu.html": page("unicode"),
        "htmlzip/test-project.zip": b"PK\x05\x06" + bytes(18), "epub/test-project.epub": b"epub-bytes",
    })
    publish(live_server, project, "v1", {"html/index.html": page("v1 home"), "html/guide.html": page("v1 guide")})
    key_file = live_server.docsplane.settings.data_dir / "secrets.key"  # the file a hostile path would aim at
    if not key_file.exists():  # PostgreSQL: the key comes from the environment; plant one all the same
        key_file.write_bytes(b"not-to-be-served")
    return {"project": project, "latest_build": latest}


def test_each_version_shows_its_own_content(live_server, docs):
    for version in ("latest", "v1"):
        response = docs_get(live_server, "test-project", f"/es/{version}/guide.html")
        assert response.status_code == 200
        assert f"{version} guide" in response.text
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "latest home" in docs_get(live_server, "test-project", "/es/latest/").text
    assert docs_get(live_server, "test-project", "/es/latest/_static/app.js").headers["Content-Type"].startswith("text/javascript")
    assert docs_get(live_server, "test-project", "/es/latest/_static/style.css").headers["Content-Type"] == "text/css; charset=utf-8"
    assert "unicode" in docs_get(live_server, "test-project", "/es/latest/caf%C3%A9%20menu.html").text
    head = requests.head(f"{live_server.url}/es/latest/guide.html", headers={"Host": "test-project.docs.localhost"}, timeout=30)
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_root_and_the_language_lead_to_the_default_version(live_server, docs):
    for path, location in (("/", "/es/latest/"), ("/es/", "/es/latest/"), ("/es", "/es/latest/"), ("/es/v1", "/es/v1/"),
                           ("/es/latest/dir", "/es/latest/dir/")):
        response = docs_get(live_server, "test-project", path)
        assert (response.status_code, response.headers["Location"]) == (302, location), path
    assert "latest dir" in docs_get(live_server, "test-project", "/es/latest/dir/").text


def test_public_pages_are_cached_by_the_releases_content_hash(live_server, docs):
    first = docs_get(live_server, "test-project", "/es/latest/guide.html")
    assert first.headers["Cache-Control"].startswith("public")
    etag = first.headers["ETag"]
    assert docs_get(live_server, "test-project", "/es/latest/guide.html", headers={"If-None-Match": etag}).status_code == 304
    publish(live_server, "test-project", "latest", {"html/guide.html": page("latest guide, rebuilt")})
    again = docs_get(live_server, "test-project", "/es/latest/guide.html", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "rebuilt" in again.text and again.headers["ETag"] != etag


def test_a_missing_page_answers_the_projects_own_404(live_server, docs):
    for path in ("/es/latest/nothing.html", "/es/nope/index.html", "/fr/latest/", "/es/v1/dir/"):
        response = docs_get(live_server, "test-project", path)
        assert response.status_code == 404, path
        assert "our own 404" in response.text
    plain = docs_get(live_server, "no-such-project", "/")
    assert plain.status_code == 404 and "Not Found" in plain.text


def test_hostile_paths_never_leave_the_published_files(live_server, docs):
    release_root = live_server.docsplane.artifacts.release_root(
        "test-project", "v1", live_server.docsplane.docs_queries.version("test-project", "v1")["published_release"])
    (release_root / "html" / "key.html").symlink_to(live_server.docsplane.settings.data_dir / "secrets.key")
    hostile = [
        "/es/latest/../../../../../../etc/passwd", "/es/latest/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secrets.key",
        "/es/latest/%252e%252e/%252e%252e/secrets.key", "/es/latest/..%5c..%5c..%5csecrets.key",
        "/es/latest/..\\..\\secrets.key", "/es/latest/index.html%00.png", "/es/latest/" + "a" * 5000,
        "/es/v1/key.html", "/es/latest//etc/passwd", "/es/latest/_static/", "/es/latest/html/index.html",
        "/es/v1%0d%0aSet-Cookie:%20x=1", "/es/latest/%0aindex.html", "/es/latest/%C3%A9%ff.html", "//evil.example/",
    ]
    key = (live_server.docsplane.settings.data_dir / "secrets.key").read_bytes()
    for path in hostile:
        status, body = raw_get(live_server, "test-project", path)
        assert status in (302, 404), (path, status)
        assert key not in body and b"root:" not in body, path


def test_private_versions_are_for_maintainers_with_a_token(live_server, docs, alice, bob):
    live_server.docsplane.versions.update_version("alice", "test-project", "v1", {"privacy_level": "private"})
    live_server.docsplane.catch_up()
    assert docs_get(live_server, "test-project", "/es/v1/guide.html").status_code == 404
    assert docs_get(live_server, "test-project", "/es/v1/guide.html", token=bob).status_code == 404
    assert docs_get(live_server, "test-project", "/es/v1/guide.html", token="not-a-token").status_code == 404
    shown = docs_get(live_server, "test-project", "/es/v1/guide.html", token=alice)
    assert shown.status_code == 200 and "v1 guide" in shown.text
    assert shown.headers["Cache-Control"] == "private, no-store" and "ETag" not in shown.headers
    assert docs_get(live_server, "test-project", "/es/latest/guide.html").status_code == 200


def test_redirects_apply_as_on_read_the_docs(live_server, docs, alice):
    for body in ({"type": "page", "from_url": "/old-guide.html", "to_url": "/guide.html"},
                 {"type": "exact", "from_url": "/es/v0/*", "to_url": "/es/v1/:splat"},
                 {"type": "sphinx_html"},
                 {"type": "page", "from_url": "/index.html", "to_url": "/guide.html"}):  # the page exists: not applied
        assert live_server.post("/api/v3/projects/test-project/redirects/", alice, json=body).status_code == 201
    live_server.docsplane.catch_up()
    expected = {
        "/es/latest/old-guide.html?x=1": "/es/latest/guide.html?x=1",
        "/es/v1/old-guide.html": "/es/v1/guide.html",
        "/es/v0/guide.html": "/es/v1/guide.html",
        "/es/latest/guide/": "/es/latest/guide.html",
    }
    for path, location in expected.items():
        response = docs_get(live_server, "test-project", path)
        assert (response.status_code, response.headers.get("Location")) == (302, location), path
    assert docs_get(live_server, "test-project", "/es/latest/index.html").status_code == 200


def test_html_to_clean_url_redirects(live_server, docs, alice):
    # Alone: it matches every missing .html page, so beside the rules above its place in the order would decide.
    assert live_server.post("/api/v3/projects/test-project/redirects/", alice, json={"type": "sphinx_htmldir"}).status_code == 201
    live_server.docsplane.catch_up()
    assert docs_get(live_server, "test-project", "/es/latest/dir.html").headers["Location"] == "/es/latest/dir/"
    assert docs_get(live_server, "test-project", "/es/latest/guide.html").status_code == 200


def test_downloads_of_the_built_formats_only(live_server, docs):
    epub = docs_get(live_server, "test-project", "/_/downloads/es/latest/epub/")
    assert epub.status_code == 200 and epub.content == b"epub-bytes"
    assert epub.headers["Content-Disposition"] == 'attachment; filename="test-project-latest.epub"'
    assert epub.headers["Content-Type"] == "application/epub+zip"
    assert docs_get(live_server, "test-project", "/_/downloads/es/latest/htmlzip/").status_code == 200
    for missing in ("/_/downloads/es/latest/pdf/", "/_/downloads/es/v1/epub/", "/_/downloads/es/latest/exe/"):
        assert docs_get(live_server, "test-project", missing).status_code == 404, missing


def test_translations_and_subprojects_under_the_parent(live_server, docs, alice):
    c = live_server.docsplane
    for name, language in (("Test Project EN", "en"), ("Plugin", "es")):
        body = {"name": name, "repository": {"url": "https://github.com/x/y", "type": "git"}, "language": language,
                "programming_language": "py"}
        assert live_server.post("/api/v3/projects/", alice, json=body).status_code == 201
    c.projects.update_project("alice", "test-project-en", {"translation_of": "test-project"})
    c.subprojects.add_subproject("alice", "test-project", "plugin", "plugins")
    publish(live_server, "test-project-en", "latest", {"html/index.html": page("english home")})
    publish(live_server, "plugin", "latest", {"html/index.html": page("plugin home")})
    assert "english home" in docs_get(live_server, "test-project", "/en/latest/").text
    assert docs_get(live_server, "test-project", "/en/").headers["Location"] == "/en/latest/"
    assert docs_get(live_server, "test-project", "/projects/plugins/").headers["Location"] == "/projects/plugins/es/latest/"
    assert "plugin home" in docs_get(live_server, "test-project", "/projects/plugins/es/latest/").text


def test_documentation_urls_and_dashboard_pages_answer(live_server, docs, alice):
    project = live_server.get("/api/v3/projects/test-project/", alice).json()
    version = live_server.get("/api/v3/projects/test-project/versions/latest/", alice).json()
    build = live_server.get(f"/api/v3/projects/test-project/builds/{docs['latest_build']}/", alice).json()
    assert "latest home" in get_url(live_server, project["urls"]["documentation"]).text
    assert "latest home" in get_url(live_server, version["urls"]["documentation"]).text
    for url in [*build["urls"].values(), *(project["urls"][k] for k in ("builds", "versions", "downloads"))]:
        response = get_url(live_server, url)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html"), url
    browsable = live_server.get("/api/v3/projects/test-project/", alice, headers={"Accept": "text/html"}).text
    assert f'<a href="{project["urls"]["documentation"]}">' in browsable  # one click from the browsable API
    edit = live_server.get("/dashboard/test-project/version/latest/edit/", alice)  # Read the Docs' urls.dashboard.edit
    assert edit.status_code == 200 and "PATCH" in edit.text
    build_page = get_url(live_server, build["urls"]["build"]).text
    assert "python -m sphinx -b html docs _build/html" in build_page and "built latest: ok" in build_page
    moved = get_url(live_server, f"{live_server.url}/projects/test-project/downloads/epub/latest/")
    assert moved.status_code == 302
    assert get_url(live_server, moved.headers["Location"]).content == b"epub-bytes"


def test_dashboard_pages_of_a_private_project_are_for_its_maintainers(live_server, alice, bob):
    body = {"name": "Hidden", "repository": {"url": "https://github.com/x/y", "type": "git"}, "privacy_level": "private"}
    assert live_server.post("/api/v3/projects/", alice, json=body).status_code == 201
    assert live_server.get("/projects/hidden/").status_code == 404
    assert live_server.get("/projects/hidden/", bob).status_code == 404
    assert live_server.get("/projects/hidden/", alice).status_code == 200
    assert docs_get(live_server, "hidden", "/").status_code == 404
    assert docs_get(live_server, "hidden", "/", token=alice).status_code == 302
    publish(live_server, "hidden", "latest", {"html/index.html": "hidden home"})
    page = live_server.get("/projects/hidden/versions/", alice).text  # a private version's link: through a grant
    assert 'href="/projects/hidden/docs-access/?next=%2Fen%2Flatest%2F"' in page
    granted = live_server.get("/projects/hidden/docs-access/?next=%2Fen%2Flatest%2F", alice)
    signed_in = get_url(live_server, granted.headers["Location"])
    cookie = {"Cookie": f"docsplane_docs_grant={signed_in.cookies['docsplane_docs_grant']}"}
    assert "hidden home" in docs_get(live_server, "hidden", signed_in.headers["Location"], headers=cookie).text


def test_a_version_not_built_yet_answers_its_documentation_url(live_server, docs, alice):
    add_version(live_server, "test-project", "v3", active=False)
    url = live_server.get("/api/v3/projects/test-project/versions/v3/", alice).json()["urls"]["documentation"]
    response = get_url(live_server, url)
    assert response.status_code == 200 and "inactive" in response.text
    assert docs_get(live_server, "test-project", "/es/v3/guide.html").status_code == 404


def test_a_maintainer_signed_in_to_the_browsable_api_reads_private_docs_in_a_browser(live_server, docs, alice, bob):
    live_server.docsplane.versions.update_version("alice", "test-project", "v1", {"privacy_level": "private"})
    live_server.docsplane.catch_up()
    browser = requests.Session()  # cookies per host, as a browser keeps them
    assert browser.get(f"{live_server.url}/projects/test-project/docs-access/", cookies={"docsplane_token": bob},
                       allow_redirects=False).status_code == 404
    issued = browser.get(f"{live_server.url}/projects/test-project/docs-access/?next=/es/v1/guide.html",
                         cookies={"docsplane_token": alice}, allow_redirects=False)
    assert issued.status_code == 302
    grant_url = issued.headers["Location"]
    assert grant_url.startswith("http://test-project.docs.localhost:") and alice not in grant_url
    signed_in = get_url(live_server, grant_url)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/es/v1/guide.html"
    cookie = signed_in.cookies["docsplane_docs_grant"]
    assert "HttpOnly" in signed_in.headers["Set-Cookie"]
    shown = docs_get(live_server, "test-project", "/es/v1/guide.html", headers={"Cookie": f"docsplane_docs_grant={cookie}"})
    assert shown.status_code == 200 and "v1 guide" in shown.text
    # The grant is for this project's host only, and a forged or altered one is nothing.
    assert docs_get(live_server, "other", "/", headers={"Cookie": f"docsplane_docs_grant={cookie}"}).status_code == 404
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert docs_get(live_server, "test-project", "/es/v1/guide.html", headers={"Cookie": f"docsplane_docs_grant={forged}"}).status_code == 404
    assert docs_get(live_server, "test-project", "/_/grant/?grant=nonsense").status_code == 404
    outside = get_url(live_server, grant_url.split("&next=")[0] + "&next=//evil.example/")
    assert outside.headers["Location"] == "/"
