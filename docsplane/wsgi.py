"""WSGI entry for production servers: `gunicorn -k gthread 'docsplane.wsgi:app'`.

Under gunicorn the projector runs as its own process (`docsplane projector`), so each API worker
only serves requests. A setting it cannot run with (e.g. another secrets key than the event store's)
is one line on stderr, and exit code 3, which makes gunicorn stop instead of booting workers forever."""

import sys

from api.app import create_app
from docsplane import logs
from docsplane.bootstrap import build
from docsplane.settings import ConfigurationError

WORKER_BOOT_ERROR = 3  # gunicorn's: the arbiter halts

logs.configure()
try:
    app = create_app(build())
except ConfigurationError as error:
    print(f"error: {error}", file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)
