"""The production layout through a real nginx (deploy/docs-nginx.conf.template): docsplane decides, answers
an X-Accel-Redirect, and nginx sends the file with the headers docsplane chose."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from docs_support import docs_get, publish, raw_get
from e2e_support import add_version
from nginx_support import ACCEL_PREFIX, start_nginx, stop_nginx


@pytest.fixture
def behind_nginx(backend, start_live_server, tmp_path):
    live = start_live_server(backend, DOCSPLANE_DOCS_ACCEL_REDIRECT=ACCEL_PREFIX)
    process, port = start_nginx(tmp_path / "nginx", f"127.0.0.1:{urlsplit(live.url).port}", live.docsplane.settings.artifacts_root)
    yield live, f"http://127.0.0.1:{port}", port
    stop_nginx(process)


def test_nginx_sends_what_docsplane_decided(behind_nginx):
    live, nginx, port = behind_nginx
    alice, bob = live.token("alice"), live.token("bob")
    assert live.post("/api/v3/projects/", alice, json={
        "name": "Edge", "repository": {"url": "https://github.com/x/edge", "type": "git"}, "language": "en"}).status_code == 201
    add_version(live, "edge", "v2")
    publish(live, "edge", "latest", {"html/index.html": "<h1>edge latest</h1>", "html/a b.html": "spaced", "html/é.html": "accent",
                                     "epub/edge.epub": b"epub!"})
    publish(live, "edge", "v2", {"html/index.html": "<h1>edge v2</h1>"})
    page = docs_get(live, "edge", "/en/latest/", base=nginx)
    assert page.status_code == 200 and page.text == "<h1>edge latest</h1>"
    assert page.headers["Server"] == "nginx" and "X-Accel-Redirect" not in page.headers
    direct = docs_get(live, "edge", "/en/latest/")
    assert direct.headers["X-Accel-Redirect"].startswith(ACCEL_PREFIX + "edge/latest/releases/") and direct.content == b""
    for header in ("Content-Type", "ETag", "Cache-Control", "X-Content-Type-Options"):
        assert page.headers[header] == direct.headers[header], header
    assert docs_get(live, "edge", "/en/latest/", base=nginx, headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    assert docs_get(live, "edge", "/en/latest/a%20b.html", base=nginx).text == "spaced"
    assert docs_get(live, "edge", "/en/latest/%C3%A9.html", base=nginx).content == "accent".encode()
    assert docs_get(live, "edge", "/en/v2/", base=nginx).text == "<h1>edge v2</h1>"
    download = docs_get(live, "edge", "/_/downloads/en/latest/epub/", base=nginx)
    assert download.content == b"epub!" and download.headers["Content-Disposition"] == 'attachment; filename="edge-latest.epub"'
    assert docs_get(live, "edge", "/", base=nginx).headers["Location"] == "/en/latest/"
    publish(live, "edge", "latest", {"html/index.html": "<h1>edge latest</h1>", "html/404.html": "<h1>edge's own 404</h1>"})
    missing = docs_get(live, "edge", "/en/latest/nowhere.html", base=nginx)  # answered by docsplane itself: a 404 status
    assert (missing.status_code, missing.text) == (404, "<h1>edge's own 404</h1>")

    live.docsplane.versions.update_version("alice", "edge", "v2", {"privacy_level": "private"})
    live.docsplane.catch_up()
    assert docs_get(live, "edge", "/en/v2/", base=nginx).status_code == 404
    assert docs_get(live, "edge", "/en/v2/", token=bob, base=nginx).status_code == 404
    private = docs_get(live, "edge", "/en/v2/", token=alice, base=nginx)
    assert private.text == "<h1>edge v2</h1>" and private.headers["Cache-Control"] == "private, no-store"
    grant = live.docsplane.docs_grants.issue("alice", "edge")  # what the dashboard's docs-access link hands a browser
    signed_in = docs_get(live, "edge", f"/_/grant/?grant={grant}&next=/en/v2/", base=nginx)
    cookie = {"Cookie": f"docsplane_docs_grant={signed_in.cookies['docsplane_docs_grant']}"}
    assert docs_get(live, "edge", signed_in.headers["Location"], base=nginx, headers=cookie).text == "<h1>edge v2</h1>"

    # The internal location is not reachable from outside, and no path leaves the published files.
    release = direct.headers["X-Accel-Redirect"].removeprefix(ACCEL_PREFIX)
    key_file = live.docsplane.settings.data_dir / "secrets.key"
    if not key_file.exists():  # PostgreSQL: the key comes from the environment; plant one all the same
        key_file.write_bytes(b"not-to-be-served")
    key = key_file.read_bytes()
    for path in (f"{ACCEL_PREFIX}{release}", f"{ACCEL_PREFIX}edge/v2/current/html/index.html", "/en/latest/%2e%2e/%2e%2e/%2e%2e/secrets.key",
                 "/en/latest/..%2f..%2f..%2f..%2fsecrets.key", "/en/latest/%252e%252e/secrets.key", "/en/latest/_static/"):
        status, body = raw_get(live, "edge", path, port=port)
        assert status in (302, 400, 404), (path, status)
        assert b"edge latest" not in body and b"epub!" not in body and key not in body, path
