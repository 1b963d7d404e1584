"""Helpers for the docs host's tests: publish a version's output as a build worker does (lease, record
commands, store the files, record the publication, finish), and request a docs host by name."""

from __future__ import annotations

import http.client
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests

WORKER = "docs-test-worker"


def publish(live, project_slug: str, version_slug: str, files: dict[str, str | bytes], actor: str = "alice") -> int:
    """A successful build of the version that published `files` (paths inside the build output, e.g.
    `html/index.html`, `epub/<project>.epub`); its number. Returns once the read models show it."""
    c = live.docsplane
    number = c.builds.trigger_build(actor, project_slug, version_slug).value
    c.build_leases.lease_build(WORKER, number)
    c.builds.change_build_state(WORKER, number, "building", commit="c0ffee")
    c.builds.record_command(WORKER, number, "python -m sphinx -b html docs _build/html", f"built {version_slug}: ok", 0)
    with tempfile.TemporaryDirectory() as output:
        for name, content in files.items():
            path = Path(output, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        release = c.artifacts.publish(project_slug, version_slug, Path(output))
    c.versions.record_publication(WORKER, number, release)
    c.builds.finish_build(WORKER, number, True)
    c.catch_up()
    return number


def docs_host(live, project_slug: str) -> str:
    return f"{project_slug}.docs.localhost:{urlsplit(live.url).port}"


def docs_get(live, project_slug: str, path: str, token: str | None = None, base: str | None = None, **kwargs) -> requests.Response:
    """GET on a project's docs host (the Host header: *.localhost needs no DNS in a browser, but may here);
    `base`: another server in front (nginx)."""
    headers = {"Host": docs_host(live, project_slug), **kwargs.pop("headers", {})}
    if token:
        headers["Authorization"] = f"Token {token}"
    return requests.get((base or live.url) + path, headers=headers, allow_redirects=False, timeout=30, **kwargs)


def get_url(live, url: str, token: str | None = None) -> requests.Response:
    """GET an absolute URL the API handed out, on this server whatever host it names."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, **({"Authorization": f"Token {token}"} if token else {})}
    return requests.get(live.url + path, headers=headers, allow_redirects=False, timeout=30)


def raw_get(live, project_slug: str, raw_path: str, port: int | None = None) -> tuple[int, bytes]:
    """A request line sent as written: no client normalizes its dots or escapes."""
    return raw_request(port or urlsplit(live.url).port, "GET", docs_host(live, project_slug), raw_path)


def raw_request(port: int, method: str, host: str, raw_path: str) -> tuple[int, bytes]:
    """Any request line and Host header (none when empty), as written; (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, raw_path, skip_host=True, skip_accept_encoding=True)
        if host:
            connection.putheader("Host", host)
        connection.putheader("User-Agent", "docs-test/1")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
