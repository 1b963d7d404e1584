"""WSGI entries for production servers: `gunicorn -k gthread 'docsplane.wsgi:app'` (the API, and the
docs host on docs hosts), or `'docsplane.wsgi:docs_app'` for processes that serve only documentation.

Under gunicorn the projector runs as its own process (`docsplane projector`), so each API worker
only serves requests. The container is built on first use, so importing one entry never builds both.
A setting it cannot run with (e.g. another secrets key than the event store's) is one line on stderr,
and exit code 3, which makes gunicorn stop instead of booting workers forever."""

import sys

from docsplane import logs
from docsplane.bootstrap import build, build_docs_host
from docsplane.settings import ConfigurationError
from docsplane.web import api_and_docs_app
from docshost.app import DocsHost

WORKER_BOOT_ERROR = 3  # gunicorn's: the arbiter halts

logs.configure()


def __getattr__(name: str):
    try:
        if name == "app":
            return api_and_docs_app(build())
        if name == "docs_app":
            return DocsHost(build_docs_host())  # no event store: the docs host reads read models only
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(WORKER_BOOT_ERROR)
    raise AttributeError(name)
