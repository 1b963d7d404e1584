"""Which host is a docs host: `{project}.{docs domain}`, the domain taken from DOCSPLANE_DOCS_URL's
template, so the URLs the API hands out and the hosts served always agree."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def docs_domain(template: str) -> str:
    """'http://{project}.docs.localhost{port}/{language}/{version}/' -> 'docs.localhost'. ValueError unless
    every project has a host of its own there: docs are never served from the API's origin."""
    netloc = urlsplit(template.replace("{port}", "")).netloc
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    if not host.startswith("{project}.") or "{" in host.removeprefix("{project}."):
        raise ValueError(f"DOCSPLANE_DOCS_URL must put each project on a host of its own, "
                         f"'<scheme>://{{project}}.<docs domain>/…': {template!r}")
    return host.removeprefix("{project}.")


def hostname(host_header: str) -> str:
    """The Host header without its port, lower-cased."""
    return host_header.rsplit(":", 1)[0].lower() if not host_header.endswith("]") else host_header.lower()


def is_docs_host(host_header: str, domain: str) -> bool:
    name = hostname(host_header)
    return name == domain or name.endswith("." + domain)


def project_slug(host_header: str, domain: str) -> str | None:
    """The project a docs host serves: the label before the docs domain."""
    name = hostname(host_header)
    slug = name[: -len(domain) - 1] if name.endswith("." + domain) else ""
    return slug if SLUG.match(slug) else None


class HostDispatch:
    """One WSGI app for both origins (the embedded default): docs hosts to the docs app, the rest to the API."""

    def __init__(self, api, docs, domain: str):
        self.api, self.docs, self.domain = api, docs, domain

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        app = self.docs if is_docs_host(host, self.domain) else self.api
        return app(environ, start_response)
