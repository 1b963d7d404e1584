"""WSGI entries for production servers: `gunicorn -k gthread 'docsplane.wsgi:app'` (the API, and the
docs host on docs hosts), or `'docsplane.wsgi:docs_app'` for processes that serve only documentation.

Under gunicorn the projector runs as its own process (`docsplane projector`), so each API worker
only serves requests. The container is built on first use, so importing one entry never builds both."""

from docsplane import logs
from docsplane.bootstrap import build, build_docs_host
from docsplane.web import api_and_docs_app
from docshost.app import DocsHost

logs.configure()


def __getattr__(name: str):
    if name == "app":
        return api_and_docs_app(build())
    if name == "docs_app":
        return DocsHost(build_docs_host())  # no event store: the docs host reads read models only
    raise AttributeError(name)
