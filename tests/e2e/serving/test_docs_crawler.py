"""No dead links: a crawler follows every absolute URL in every API answer of a populated project (projects,
versions, builds, commands, redirects, subprojects, translations, flyout) and every link inside the served
HTML of each version and the dashboard's pages, on the API's host and the docs hosts alike. Aside, as
documented: POST-only links (`sync_versions`) and `superproject` of a project that is no subproject (404)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from docs_support import WORKER, get_url, publish
from e2e_support import add_version

ASIDE = {"sync_versions", "superproject"}
MAX_URLS = 2000


def doc(title: str, links: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><title>{title}</title><link rel="stylesheet" href="_static/style.css">'
            f'<script src="_static/app.js"></script></head><body><h1>{title}</h1>'
            f'<a href="guide.html">guide</a> <a href="guide.html#part">part</a> <a href="./">home</a> '
            f'<a href="https://www.sphinx-doc.org/">external</a> <a href="mailto:x@example.com">mail</a>{links}</body></html>')


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def urls_in(node, key: str = ""):
    if isinstance(node, dict):
        for k, value in node.items():
            if k not in ASIDE:
                yield from urls_in(value, k)
    elif isinstance(node, list):
        for value in node:
            yield from urls_in(value, key)
    elif isinstance(node, str) and node.startswith(("http://", "https://")):
        yield node


def populate(live, alice: str) -> list[str]:
    """A project with published versions, a failed build, redirects, a translation and a subproject;
    the API URLs the crawl starts from."""
    c = live.docsplane
    for name, language in (("Crawl", "en"), ("Crawl ES", "es"), ("Crawl Plugin", "en")):
        body = {"name": name, "repository": {"url": "https://github.com/x/crawl", "type": "git"}, "language": language}
        assert live.post("/api/v3/projects/", alice, json=body).status_code == 201
    c.projects.update_project("alice", "crawl-es", {"translation_of": "crawl"})
    c.subprojects.add_subproject("alice", "crawl", "crawl-plugin", "plugin")
    add_version(live, "crawl", "v1")
    add_version(live, "crawl", "old", active=False)
    static = {"html/_static/style.css": "h1{}", "html/_static/app.js": "1;"}
    publish(live, "crawl", "latest", {"html/index.html": doc("latest", '<a href="../v1/">v1</a> <a href="sub/">sub</a>'),
                                      "html/guide.html": doc("guide"), "html/sub/index.html": '<a href="../guide.html">up</a>',
                                      "htmlzip/crawl.zip": b"zip", "epub/crawl.epub": b"epub", **static})
    publish(live, "crawl", "v1", {"html/index.html": doc("v1"), "html/guide.html": doc("guide v1"), **static})
    publish(live, "crawl-es", "latest", {"html/index.html": doc("es"), "html/guide.html": doc("guía"), **static})
    publish(live, "crawl-plugin", "latest", {"html/index.html": doc("plugin"), "html/guide.html": doc("plugin guide"), **static})
    failed = c.builds.trigger_build("alice", "crawl", "v1").value
    c.build_leases.lease_build(WORKER, failed)
    c.builds.record_command(WORKER, failed, "python -m sphinx -W docs out", "WARNING: treated as error", 1)
    c.builds.finish_build(WORKER, failed, False, error="sphinx failed")
    for body in ({"type": "page", "from_url": "/old.html", "to_url": "/guide.html"}, {"type": "sphinx_html"}):
        assert live.post("/api/v3/projects/crawl/redirects/", alice, json=body).status_code == 201
    c.catch_up()
    base = f"{live.url}/api/v3/projects"
    return [f"{base}/", *(f"{base}/{slug}/" for slug in ("crawl", "crawl-es", "crawl-plugin")),
            *(f"{base}/crawl/{name}/" for name in ("versions", "builds", "redirects", "subprojects", "translations")),
            *(f"{base}/crawl/versions/{v}/flyout/" for v in ("latest", "v1")), f"{base}/crawl/builds/{failed}/commands/"]


def ours(url: str, port: int) -> bool:
    parts = urlsplit(url)
    return parts.port == port and (parts.hostname == "127.0.0.1" or parts.hostname.endswith(".docs.localhost"))


def test_every_link_answers(live_server, alice):
    port = urlsplit(live_server.url).port
    pending, seen, dead, pages = populate(live_server, alice), set(), [], 0
    while pending and len(seen) < MAX_URLS:
        url = pending.pop().split("#", 1)[0]
        if url in seen or not ours(url, port):
            continue
        seen.add(url)
        response, hops, here = get_url(live_server, url, alice), 0, url
        while response.is_redirect and hops < 5:
            here = urljoin(here, response.headers["Location"])
            response, hops = get_url(live_server, here, alice), hops + 1
        if response.status_code >= 400:
            dead.append((url, response.status_code))
            continue
        content_type = response.headers.get("Content-Type", "")
        if "json" in content_type:
            pending += urls_in(response.json())
        elif content_type.startswith("text/html"):
            pages += 1
            parser = Links()
            parser.feed(response.text)
            pending += [urljoin(here, link) for link in parser.found if not link.startswith(("mailto:", "javascript:"))]
    assert dead == [], "\n".join(f"{u} {s}" for u, s in dead)
    assert len(seen) > 80 and pages > 20  # the crawl reached the docs hosts, the dashboard and the API
    hosts = {urlsplit(url).hostname for url in seen}
    assert {"127.0.0.1", "crawl.docs.localhost", "crawl-es.docs.localhost", "crawl-plugin.docs.localhost"} <= hosts
