"""The WSGI apps a process serves: the API with the docs host beside it on docs hosts (`docsplane serve`,
`docsplane.wsgi:app`), or the docs host alone (`docsplane docs-server`, `docsplane.wsgi:docs_app`)."""

from __future__ import annotations

from api.app import create_app
from docshost.app import DocsHost
from docshost.hosts import HostDispatch, docs_domain


def api_and_docs_app(docsplane):
    return HostDispatch(create_app(docsplane), DocsHost(docsplane), docs_domain(docsplane.settings.docs_url))


def docs_app(docsplane):
    return DocsHost(docsplane)
