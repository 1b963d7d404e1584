"""The WSGI app of `docsplane serve` and `docsplane.wsgi:app`: the API, with the docs host beside it on
docs hosts. The docs host alone (`docsplane docs-server`, `docsplane.wsgi:docs_app`) is docshost.app.DocsHost
over bootstrap.build_docs_host()."""

from __future__ import annotations

from api.app import create_app
from docshost.app import DocsHost
from docshost.hosts import HostDispatch, docs_domain


def api_and_docs_app(docsplane):
    return HostDispatch(create_app(docsplane), DocsHost(docsplane), docs_domain(docsplane.settings.docs_url))
